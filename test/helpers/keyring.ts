/**
 * test/helpers/keyring.ts — a private D-Bus session bus and a real gnome-keyring on it, in a temporary directory,
 * so the keychain tests can lock and unlock a keyring without touching the developer's own keyring or the
 * session other test files use. keytar talks to the bus of its process, so the store runs in a child process
 * (`runStore`) with the private bus in its environment.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const run = promisify(execFile)

/** The built store; `npm test` builds first. */
const STORE_MODULE = fileURLToPath(new URL('../../desktop/dist/agent/secrets/keytar-secret-store.js', import.meta.url))
const KEYRING_PASSWORD = 'mcp-warden-test'

/** The programs the keychain tests need, and which of them are not on PATH. */
export function missingKeyringTools(env: NodeJS.ProcessEnv = process.env): string[] {
  const dirs = (env['PATH'] ?? '').split(delimiter).filter(Boolean)
  return ['dbus-daemon', 'gnome-keyring-daemon', 'gdbus'].filter((tool) => !dirs.some((dir) => existsSync(join(dir, tool))))
}

export interface PrivateBus {
  /** `process.env` with DBUS_SESSION_BUS_ADDRESS and XDG dirs pointing at the private bus and keyring files. */
  readonly env: NodeJS.ProcessEnv
  stop(): Promise<void>
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    child.once('exit', () => resolve())
    child.kill('SIGTERM')
  })
}

/** A dbus-daemon with no service directories: nothing is activated behind the test's back. */
export async function startPrivateBus(): Promise<PrivateBus> {
  const dir = await mkdtemp(join(tmpdir(), 'mcp-warden-bus-'))
  const runtime = join(dir, 'run')
  await mkdir(runtime, { mode: 0o700 })
  await writeFile(
    join(dir, 'bus.conf'),
    `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN" "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=${join(dir, 'bus')}</listen>
  <policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/></policy>
</busconfig>
`,
  )
  const daemon = spawn('dbus-daemon', ['--config-file', join(dir, 'bus.conf'), '--nofork', '--print-address=1'], { stdio: ['ignore', 'pipe', 'pipe'] })
  const address = await new Promise<string>((resolve, reject) => {
    let out = ''
    daemon.stdout.setEncoding('utf8')
    daemon.stdout.on('data', (chunk: string) => {
      out += chunk
      if (out.includes('\n')) resolve(out.split('\n')[0]!)
    })
    daemon.once('exit', (code) => reject(new Error(`dbus-daemon exited (${code}) before printing its address`)))
    daemon.once('error', reject)
  })
  const env = { ...process.env, DBUS_SESSION_BUS_ADDRESS: address, XDG_DATA_HOME: join(dir, 'data'), XDG_RUNTIME_DIR: runtime }
  return {
    env,
    async stop() {
      await stopChild(daemon)
      await rm(dir, { recursive: true, force: true })
    },
  }
}

export interface PrivateKeyring {
  /** Locks the default collection through the Secret Service API, as a screen lock or timeout would. */
  lock(): Promise<void>
  /** Unlocks it again with its password (a new gnome-keyring-daemon replaces the running one). */
  unlock(): Promise<void>
  /** Whether the Secret Service reports the default collection locked. */
  isLocked(): Promise<boolean>
  stop(): Promise<void>
}

async function startDaemon(env: NodeJS.ProcessEnv, replace: boolean): Promise<ChildProcess> {
  const args = [...(replace ? ['--replace'] : []), '--foreground', '--unlock', '--components=secrets']
  const daemon = spawn('gnome-keyring-daemon', args, { env, stdio: ['pipe', 'ignore', 'ignore'] })
  daemon.stdin.end(KEYRING_PASSWORD)
  return daemon
}

/** Waits until the Secret Service name is owned (gdbus blocks on NameOwnerChanged; no polling). */
async function waitForService(env: NodeJS.ProcessEnv): Promise<void> {
  await run('gdbus', ['wait', '--session', '--timeout', '20', 'org.freedesktop.secrets'], { env })
}

/** Starts gnome-keyring's Secret Service on `bus`, with a login keyring created and unlocked by a fixed password. */
export async function startKeyring(bus: PrivateBus): Promise<PrivateKeyring> {
  let daemon = await startDaemon(bus.env, false)
  await waitForService(bus.env)
  const call = (method: string, ...args: string[]) =>
    run('gdbus', ['call', '--session', '--dest', 'org.freedesktop.secrets', ...args, '--method', method], { env: bus.env })
  return {
    async lock() {
      await call('org.freedesktop.Secret.Service.Lock', '--object-path', '/org/freedesktop/secrets', "['/org/freedesktop/secrets/aliases/default']")
    },
    async unlock() {
      const previous = daemon
      const exited = new Promise((resolve) => previous.once('exit', resolve))
      daemon = await startDaemon(bus.env, true)
      await exited
      await waitForService(bus.env)
    },
    async isLocked() {
      const { stdout } = await call(
        'org.freedesktop.DBus.Properties.Get',
        '--object-path', '/org/freedesktop/secrets/aliases/default', 'org.freedesktop.Secret.Collection', 'Locked',
      )
      return stdout.includes('<true>')
    },
    async stop() {
      await stopChild(daemon)
    },
  }
}

export type StoreOp =
  | { readonly op: 'get' | 'delete'; readonly account: string }
  | { readonly op: 'set'; readonly account: string; readonly secret: string }
  | { readonly op: 'state' }

export type StoreResult =
  | { readonly ok: true; readonly value?: unknown }
  | { readonly ok: false; readonly code?: string; readonly details?: unknown; readonly message: string }

const CHILD = `
const [moduleUrl, service, opsJson] = process.argv.slice(1)
const { createKeytarSecretStore } = await import(moduleUrl)
const store = createKeytarSecretStore({ service })
const results = []
for (const o of JSON.parse(opsJson)) {
  try {
    const value = o.op === 'set' ? await store.set(o.account, o.secret) : o.op === 'state' ? await store.state() : await store[o.op](o.account)
    results.push({ ok: true, value })
  } catch (e) {
    results.push({ ok: false, code: e.code, details: e.details, message: e.message })
  }
}
process.stdout.write(JSON.stringify(results))
`

/** Runs `ops` against a new keytar store in a new process on the keychain of `env`. */
export async function runStore(env: NodeJS.ProcessEnv, service: string, ops: readonly StoreOp[]): Promise<StoreResult[]> {
  const moduleUrl = new URL(`file://${STORE_MODULE}`).href
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', CHILD, moduleUrl, service, JSON.stringify(ops)], { env, timeout: 30_000 })
  return JSON.parse(stdout) as StoreResult[]
}
