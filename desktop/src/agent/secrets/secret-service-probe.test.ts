import { describe, expect, it } from 'vitest'
import { parseProbeOutput, probeSecretService } from './secret-service-probe.js'

describe('parseProbeOutput', () => {
  it.each([
    [{ ok: true, stdout: 'method return time=1 sender=:1.3\n   variant       boolean true\n', stderr: '' }, 'locked'],
    [{ ok: true, stdout: 'method return time=1 sender=:1.3\n   variant       boolean false\n', stderr: '' }, 'unlocked'],
    [{ ok: true, stdout: '(<true>,)\n', stderr: '' }, 'locked'],
    [{ ok: true, stdout: '(<false>,)\n', stderr: '' }, 'unlocked'],
    [{ ok: false, stdout: '', stderr: 'Error org.freedesktop.DBus.Error.ServiceUnknown: The name org.freedesktop.secrets was not provided by any .service files' }, 'absent'],
    [{ ok: false, stdout: '', stderr: 'Error connecting: Could not connect: No such file or directory' }, 'absent'],
    [{ ok: false, stdout: '', stderr: 'Failed to open connection to "session" message bus: Failed to connect to socket /x' }, 'absent'],
    [{ ok: false, stdout: '', stderr: 'Error: GDBus.Error:org.freedesktop.DBus.Error.UnknownMethod: Object does not exist at path “/org/freedesktop/secrets/collection/login”' }, 'absent'],
    [{ ok: false, stdout: '', stderr: 'Error org.freedesktop.DBus.Error.NoReply: timeout' }, 'unknown'],
    [{ ok: true, stdout: '(<"x">,)', stderr: '' }, 'unknown'],
  ])('reads %j as %s', (output, collection) => {
    expect(parseProbeOutput(output).collection).toBe(collection)
  })

  it('says there is no D-Bus session when the bus cannot be reached', () => {
    expect(parseProbeOutput({ ok: false, stdout: '', stderr: 'Error connecting: Could not connect' }).reason).toMatch(/no D-Bus session bus/)
  })
})

describe('probeSecretService', () => {
  it('answers unknown, without throwing, when no tool is installed', async () => {
    const probe = await probeSecretService({ env: { PATH: '/nonexistent' } })
    expect(probe).toEqual({ collection: 'unknown', reason: 'neither dbus-send nor gdbus is installed to ask the Secret Service' })
  })
})
