/**
 * desktop/src/demo/oidc-provider.d.ts — the part of oidc-provider 9's API that dev-idp.ts uses.
 *
 * oidc-provider ships no type declarations and @types/oidc-provider is not installed, so this declares only
 * what we call (the Koa app surface, interactions, Grant, errors). The configuration object stays loosely
 * typed; dev-idp.ts builds it in one place.
 */
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http'

  /** The slice of a Koa context our middleware touches. */
  export interface KoaContext {
    readonly method: string
    readonly path: string
    readonly req: IncomingMessage
    readonly res: ServerResponse
    status: number
    body: unknown
    type: string
    /** false: the handler wrote to `res` itself (as `interactionFinished` does). */
    respond: boolean
  }

  export type KoaMiddleware = (ctx: KoaContext, next: () => Promise<void>) => Promise<void>

  export interface InteractionDetails {
    readonly uid: string
    readonly prompt: {
      readonly name: string
      readonly reasons: readonly string[]
      readonly details: {
        readonly missingOIDCScope?: readonly string[]
        readonly missingOIDCClaims?: readonly string[]
        readonly missingResourceScopes?: Readonly<Record<string, readonly string[]>>
      }
    }
    readonly params: Readonly<Record<string, unknown>> & { readonly client_id: string }
    readonly session?: { readonly accountId?: string } | undefined
    readonly grantId?: string | undefined
  }

  export interface Grant {
    addOIDCScope(scope: string): void
    addOIDCClaims(claims: readonly string[]): void
    addResourceScope(resource: string, scope: string): void
    save(): Promise<string>
  }

  /** The adapter contract (oidc-provider `docs/README.md` "adapter"): one instance per model name. */
  export interface Adapter {
    upsert(id: string, payload: AdapterPayload, expiresIn: number | undefined): Promise<void>
    find(id: string): Promise<AdapterPayload | undefined>
    findByUserCode(userCode: string): Promise<AdapterPayload | undefined>
    findByUid(uid: string): Promise<AdapterPayload | undefined>
    consume(id: string): Promise<void>
    destroy(id: string): Promise<void>
    revokeByGrantId(grantId: string): Promise<void>
  }

  export interface AdapterPayload {
    [key: string]: unknown
    grantId?: string
    userCode?: string
    uid?: string
    consumed?: number
  }

  export class Provider {
    constructor(issuer: string, configuration: Readonly<Record<string, unknown>>)
    readonly issuer: string
    use(middleware: KoaMiddleware): this
    /** oidc-provider is an EventEmitter (Koa's app); `grant.success` fires after each successful token request. */
    on(event: 'grant.success', listener: (ctx: { oidc: { params?: Readonly<Record<string, unknown>> } }) => void): this
    callback(): (req: IncomingMessage, res: ServerResponse) => void
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>
    interactionFinished(
      req: IncomingMessage,
      res: ServerResponse,
      result: Readonly<Record<string, unknown>>,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<void>
    readonly Grant: {
      new (init: { accountId: string; clientId: string }): Grant
      find(id: string): Promise<Grant | undefined>
    }
  }

  export const errors: {
    readonly InvalidTarget: new (description?: string) => Error
  }

  export default Provider
}
