/**
 * desktop/src/agent/secrets/secret-service-probe.ts — asks the Linux Secret Service (org.freedesktop.secrets on the
 * D-Bus session bus) whether the default collection is locked, without prompting the person.
 *
 * keytar (libsecret) answers `null` both for "no such entry" and for a locked collection, so the keytar store asks
 * D-Bus directly: `Properties.Get(org.freedesktop.Secret.Collection, Locked)` on
 * `/org/freedesktop/secrets/aliases/default`. It runs `dbus-send` (package dbus / dbus-bin / dbus-tools, present
 * wherever a D-Bus session is) and falls back to `gdbus` (libglib2.0-bin) when `dbus-send` is not installed.
 */
import { execFile } from 'node:child_process'

/**
 * What the Secret Service says about the default collection.
 * `absent`: no D-Bus session, no Secret Service on it, or no default keyring. `unknown`: neither tool is installed
 * or the answer could not be read; the caller falls back to keytar's own errors.
 */
export interface SecretServiceProbe {
  readonly collection: 'unlocked' | 'locked' | 'absent' | 'unknown'
  /** Why, in words that can be shown to the person (no secret, no account name). */
  readonly reason: string
}

export type ProbeTool = 'dbus-send' | 'gdbus'

const SERVICE = 'org.freedesktop.secrets'
const DEFAULT_COLLECTION = '/org/freedesktop/secrets/aliases/default'
const TIMEOUT_MS = 5_000

const ARGS: Record<ProbeTool, readonly string[]> = {
  'dbus-send': [
    '--session', '--print-reply', `--reply-timeout=${TIMEOUT_MS}`, `--dest=${SERVICE}`, DEFAULT_COLLECTION,
    'org.freedesktop.DBus.Properties.Get', 'string:org.freedesktop.Secret.Collection', 'string:Locked',
  ],
  gdbus: [
    'call', '--session', '--timeout', String(TIMEOUT_MS / 1000), '--dest', SERVICE, '--object-path', DEFAULT_COLLECTION,
    '--method', 'org.freedesktop.DBus.Properties.Get', 'org.freedesktop.Secret.Collection', 'Locked',
  ],
}

/**
 * Reads one tool's output. `dbus-send` prints `variant boolean true`, `gdbus` prints `(<true>,)`; errors name the
 * D-Bus error (`org.freedesktop.DBus.Error.ServiceUnknown`, …) or say that the bus could not be reached.
 *
 * @example
 * parseProbeOutput({ ok: true, stdout: '(<false>,)\n', stderr: '' }) // { collection: 'unlocked', … }
 */
export function parseProbeOutput(result: { ok: boolean; stdout: string; stderr: string }): SecretServiceProbe {
  if (result.ok) {
    if (/boolean true|<true>/.test(result.stdout)) return { collection: 'locked', reason: 'the default keyring is locked' }
    if (/boolean false|<false>/.test(result.stdout)) return { collection: 'unlocked', reason: 'the default keyring is unlocked' }
    return { collection: 'unknown', reason: 'the Secret Service gave an answer that could not be read' }
  }
  const text = `${result.stderr}\n${result.stdout}`
  if (/Failed to open connection|Error connecting|Could not connect|Unable to autolaunch|Cannot autolaunch/i.test(text)) {
    return { collection: 'absent', reason: 'there is no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is unset or points nowhere)' }
  }
  if (/ServiceUnknown|NameHasNoOwner/.test(text)) {
    return { collection: 'absent', reason: 'no Secret Service (such as gnome-keyring or KeePassXC) runs on the D-Bus session' }
  }
  if (/UnknownMethod|UnknownObject|does not exist/i.test(text)) {
    return { collection: 'absent', reason: 'the Secret Service has no default keyring' }
  }
  return { collection: 'unknown', reason: 'the Secret Service could not be asked whether the keyring is locked' }
}

function run(tool: ProbeTool, env: NodeJS.ProcessEnv): Promise<{ ok: boolean; stdout: string; stderr: string; missing: boolean }> {
  return new Promise((resolve) => {
    execFile(tool, ARGS[tool], { env, timeout: TIMEOUT_MS + 1_000, encoding: 'utf8' }, (error, stdout, stderr) => {
      const missing = (error as NodeJS.ErrnoException | null)?.code === 'ENOENT'
      resolve({ ok: error === null, stdout, stderr, missing })
    })
  })
}

/**
 * Asks the Secret Service of the session bus named in `env` whether the default keyring is locked. Never throws,
 * never prompts.
 *
 * @example
 * const probe = await probeSecretService({ env: process.env })
 * if (probe.collection === 'locked') console.error(`Unlock your keyring: ${probe.reason}`)
 */
export async function probeSecretService(options: { env: NodeJS.ProcessEnv; tools?: readonly ProbeTool[] }): Promise<SecretServiceProbe> {
  for (const tool of options.tools ?? (['dbus-send', 'gdbus'] as const)) {
    const result = await run(tool, options.env)
    if (!result.missing) return parseProbeOutput(result)
  }
  return { collection: 'unknown', reason: 'neither dbus-send nor gdbus is installed to ask the Secret Service' }
}
