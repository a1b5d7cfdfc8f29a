/**
 * desktop/src/agent/remote-auth/index.ts — MCP servers with their own authorization server (MCP authorization,
 * RFC 9728): sign-in, tokens per server in the keychain, and the agent's `upstream.token` for them.
 */
export { discoverServerAuthorization, type DiscoverOptions, type ServerAuthorization } from './discover.js'
export { forgetServerTokens, type ForgetOptions } from './forget.js'
export { readServerTokens, serverAccount, type ServerTokenRecord } from './server-token-record.js'
export { createServerTokenSource, type ServerTokenSource, type ServerTokenSourceOptions } from './server-token-source.js'
export { signInToServer, type ServerSignIn, type ServerSignInOptions } from './sign-in.js'
export { parseBearerChallenge, type BearerChallenge } from './www-authenticate.js'
export { withServerTokens } from './with-server-tokens.js'
