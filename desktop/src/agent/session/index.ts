/**
 * desktop/src/agent/session/index.ts — the session's public surface for the agent, the CLI and the app.
 * Explicit named exports only; helpers not listed here are internal.
 */
export type { AgentSession, IssuedToken, SessionStatus, SessionUser } from './agent-session.js'
export { createOidcSession } from './oidc-session.js'
export type { OidcSession } from './oidc-session.js'
export type { OidcSessionOptions, ResourceParameter } from './oidc-options.js'
export type { BrowserLoginOptions, DeviceLoginOptions } from './sign-in-flows.js'
export { sessionAccount } from './session-record.js'
export { SIGN_IN_AGAIN } from './idp-errors.js'
