/**
 * desktop/src/app/contract/ipc-contract.ts — the desktop app's IPC: the closed set of channels between the sandboxed
 * renderer and the main process, with the zod schema of each request and answer.
 *
 * The preload exposes exactly these as `window.warden` (type `WardenApi`): one method per channel, each a single
 * `ipcRenderer.invoke`. The main process registers exactly these; it checks the sender, parses the request with its
 * schema (a bad payload is refused, never coerced), runs the handler, and parses the answer before it leaves.
 * Nothing is pushed from main to renderer: the renderer polls `app:status`, `audit:query` (with a cursor) and
 * `approvals:list`, so the same handlers serve the app and the browser tests.
 *
 * Answers carry no secrets and no argument values: tokens stay in the agent, audit records hold types and pointers.
 * A handler that fails throws; the renderer receives `{ code, message }` (`ipcErrorSchema`) and shows the message.
 */
import { z } from 'zod'
import { pendingApprovalSchema, sessionStatusSchema } from '../../agent/protocol/schemas.js'
import { clientIdSchema, clientReportSchema, configPlanSchema, type ClientInstallers, type Launcher } from '../../installers/client-config.js'

const text = z.string().max(4096)
const id = z.string().min(1).max(128)
const none = z.strictObject({})
const ack = z.null()
const time = z.number().finite()

/** The agent as the app sees it: running (with its version), or down with why and what to do. */
export const agentStateSchema = z.discriminatedUnion('state', [
  z.object({ state: z.literal('running'), version: text }),
  z.object({ state: z.literal('down'), message: text }),
])

/** The policy in force, in brief (tray, status screen). `source`: central (signed, from the settings' URL) or a local file. */
export const policyBriefSchema = z.object({
  source: z.enum(['central', 'local', 'none']),
  revision: z.number().int().min(1).nullable(),
  /** Milliseconds since the epoch the source last confirmed it; its age is shown from this. */
  checkedAt: time.nullable(),
  expiresAt: time.nullable(),
  stale: z.boolean(),
  reason: z.enum(['never-fetched', 'unreachable', 'expired']).optional(),
})

export const appStatusSchema = z.object({
  agent: agentStateSchema,
  /** Null while the agent is down. */
  session: sessionStatusSchema.nullable(),
  policy: policyBriefSchema.nullable(),
  /** Since local midnight. */
  today: z.object({ calls: z.number().int().min(0), blocked: z.number().int().min(0) }),
  pendingApprovals: z.number().int().min(0),
})

/** A sign-in flow the app started; the renderer shows the code (device) or waits for the browser. */
export const signInStartedSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('device'),
    flowId: id,
    userCode: text,
    verificationUri: text,
    verificationUriComplete: text.optional(),
    expiresAt: time,
  }),
  z.object({ kind: z.literal('browser'), flowId: id }),
])

/** One audit record as the viewer shows it: what the log holds, never values. */
export const auditEntrySchema = z.object({
  id: text,
  time: text,
  kind: z.enum(['decision', 'result']),
  server: text,
  method: text,
  target: text.optional(),
  /** E-mail, else subject, of who made the call; null when unauthenticated. */
  user: text.nullable(),
  decision: z.enum(['allow', 'deny']),
  code: text.optional(),
  stage: text.optional(),
  reasons: z.array(text),
  policyRevision: text.optional(),
  findings: z.array(z.object({ type: text, path: text, action: text })),
  outcome: text,
  latencyMs: z.number().finite(),
})

export const auditFilterSchema = z.strictObject({
  server: text.optional(),
  tool: text.optional(),
  decision: z.enum(['allow', 'deny']).optional(),
  /** ISO 8601 bounds, inclusive. */
  since: text.optional(),
  until: text.optional(),
})

/** A server some client launches through Warden, with what the audit log says of it today. */
export const protectedServerSchema = z.object({
  server: text,
  clients: z.array(clientIdSchema),
  calls: z.number().int().min(0),
  blocked: z.number().int().min(0),
  last: z.object({ time: text, decision: z.enum(['allow', 'deny']), target: text.optional() }).nullable(),
})

/** One rule, readable: who may do what, under which conditions. */
export const readableRuleSchema = z.object({
  id: text,
  effect: z.enum(['allow', 'deny', 'ask']),
  who: text,
  what: text,
  conditions: z.array(text),
})

export const policyViewSchema = z.object({
  brief: policyBriefSchema,
  /** Where it came from: the settings' policy URL, or the local file's path. */
  location: text.nullable(),
  rules: z.array(readableRuleSchema),
})

export const appSettingsSchema = z.object({
  openAtLogin: z.boolean(),
  /** System notifications for approvals while the window is hidden. */
  notifications: z.boolean(),
})

/** Channel → request and answer schemas. The closed set: nothing else is registered or exposed. */
export const IPC_CHANNELS = {
  'app:status': { request: none, answer: appStatusSchema },
  'signin:start': { request: z.strictObject({ method: z.enum(['device', 'browser']) }), answer: signInStartedSchema },
  /** Resolves when the flow ends: the new session status, or an error (expired code, refused, cancelled). */
  'signin:wait': { request: z.strictObject({ flowId: id }), answer: sessionStatusSchema },
  'signin:cancel': { request: z.strictObject({ flowId: id }), answer: ack },
  'signout': { request: none, answer: ack },
  /** Newest first; `after` (an entry id) returns only newer entries, for the live view. */
  'audit:query': {
    request: z.strictObject({ filter: auditFilterSchema, after: text.optional(), limit: z.number().int().min(1).max(500) }),
    answer: z.object({ entries: z.array(auditEntrySchema) }),
  },
  'servers:list': { request: none, answer: z.object({ servers: z.array(protectedServerSchema) }) },
  'policy:get': { request: none, answer: policyViewSchema.nullable() },
  'approvals:list': { request: none, answer: z.object({ pending: z.array(pendingApprovalSchema) }) },
  'approvals:answer': { request: z.strictObject({ id, answer: z.enum(['allow', 'deny']) }), answer: ack },
  'clients:list': { request: none, answer: z.object({ clients: z.array(clientReportSchema) }) },
  /** Plans a change and keeps it in the main process under `planId`; the renderer shows the diff. */
  'clients:plan': {
    request: z.strictObject({ client: clientIdSchema, action: z.enum(['install', 'uninstall']) }),
    answer: z.object({ planId: id, plan: configPlanSchema }),
  },
  /** Applies a plan shown before; refused when the file changed since. `message` tells the user to restart the host. */
  'clients:apply': { request: z.strictObject({ planId: id }), answer: z.object({ message: text }) },
  'settings:get': { request: none, answer: appSettingsSchema },
  'settings:set': { request: appSettingsSchema.partial().strict(), answer: appSettingsSchema },
  /** Opens an http(s) address in the user's browser (the device-code page); anything else is refused. */
  'shell:open': { request: z.strictObject({ url: z.string().max(2048) }), answer: ack },
  'clipboard:write': { request: z.strictObject({ text: z.string().max(1024) }), answer: ack },
} as const

export type IpcChannel = keyof typeof IPC_CHANNELS
export type IpcRequest<C extends IpcChannel> = z.output<(typeof IPC_CHANNELS)[C]['request']>
export type IpcAnswer<C extends IpcChannel> = z.output<(typeof IPC_CHANNELS)[C]['answer']>

/** What a failed call gives the renderer. */
export const ipcErrorSchema = z.object({ code: text, message: text })
export type IpcError = z.output<typeof ipcErrorSchema>

/**
 * What travels back over `ipcRenderer.invoke`: the main process never lets a handler's exception cross (Electron
 * would flatten it into "Error invoking remote method …"); the preload unwraps `ok: false` into a thrown Error whose
 * `message` is the handler's and whose `code` is the WardenError code (or ERR_INTERNAL).
 */
export type IpcReply<C extends IpcChannel> = { readonly ok: true; readonly value: IpcAnswer<C> } | { readonly ok: false; readonly error: IpcError }

/** The main process's side: one handler per channel, given the parsed request. */
export type IpcHandlers = { readonly [C in IpcChannel]: (request: IpcRequest<C>) => Promise<IpcAnswer<C>> }

/** `window.warden` in the renderer: one method per channel. */
export type WardenApi = { readonly [C in IpcChannel]: (request: IpcRequest<C>) => Promise<IpcAnswer<C>> }

/** What the Electron main process gives the app's backend: the few things only Electron can do. */
export interface AppBackendOptions {
  readonly env: NodeJS.ProcessEnv
  /** Opens an http(s) URL in the user's browser (Electron: shell.openExternal). */
  readonly openExternal: (url: string) => Promise<void>
  readonly writeClipboard: (text: string) => void
  /** The stable shim configs launch the proxy with (desktop/src/installers). */
  readonly launcher: Launcher
  readonly installers: ClientInstallers
  /** Whether the app starts at login (Electron: app.get/setLoginItemSettings). */
  readonly openAtLogin: { get(): boolean; set(value: boolean): void }
  /** Where the app keeps its own settings: Electron's userData directory (the installers use Warden's state dir). */
  readonly stateDir: string
}

/** The app's backend, pure Node: the same handlers serve Electron's ipcMain and the browser tests' exposeBinding. */
export interface AppBackend {
  readonly handlers: IpcHandlers
  /** Stops polling and closes the agent connection. */
  close(): Promise<void>
}

export function isIpcChannel(value: string): value is IpcChannel {
  return Object.hasOwn(IPC_CHANNELS, value)
}

export type AppStatus = z.output<typeof appStatusSchema>
export type AuditEntry = z.output<typeof auditEntrySchema>
export type PolicyView = z.output<typeof policyViewSchema>
export type AppSettings = z.output<typeof appSettingsSchema>
