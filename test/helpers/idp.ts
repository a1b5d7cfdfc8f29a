/**
 * test/helpers/idp.ts — a real identity provider for integration tests: the development IdP from
 * desktop/src/demo/dev-idp.ts (oidc-provider on 127.0.0.1), plus a one-call device sign-in.
 *
 * @example
 * const idp = await startDevIdp()
 * const { idToken } = await signInAs(idp, 'alice')
 * await idp.close()
 */
import { signInWithDeviceFlow, type DeviceSignInResult } from '../../desktop/src/demo/device-sign-in.js'
import type { DevIdp } from '../../desktop/src/demo/dev-idp.js'

export { DEFAULT_DEV_ACCOUNTS, DEV_CLIENT_ID, startDevIdp } from '../../desktop/src/demo/dev-idp.js'
export type { DevAccount, DevIdp, DevIdpOptions } from '../../desktop/src/demo/dev-idp.js'
export { signInWithDeviceFlow } from '../../desktop/src/demo/device-sign-in.js'
export type { DeviceSignInOptions, DeviceSignInResult } from '../../desktop/src/demo/device-sign-in.js'

/** The scopes Warden asks for: identity, email, groups and a refresh token. */
export const DEV_SCOPE = 'openid email profile groups offline_access'

/**
 * Signs `accountId` in through the device flow, approving the code over HTTP as that person would.
 * Pass `resource` to get an access token whose audience is that URL (e.g. an HTTP MCP server).
 */
export async function signInAs(
  idp: DevIdp,
  accountId: string,
  options: { readonly scope?: string; readonly resource?: string } = {},
): Promise<DeviceSignInResult> {
  return signInWithDeviceFlow({
    issuer: idp.issuer,
    clientId: idp.clientId,
    scope: options.scope ?? DEV_SCOPE,
    ...(options.resource === undefined ? {} : { resource: options.resource }),
    allowInsecureHttp: true,
    onUserCode: (code) => idp.approveDevice(code, accountId),
  })
}
