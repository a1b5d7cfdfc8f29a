/**
 * desktop/src/installers/config-file.ts — the host config on disk: read as bytes, checked for writability, backed up,
 * and replaced atomically (a temporary file in the same folder, then rename) with its original mode.
 */
import { createHash, randomBytes } from 'node:crypto'
import { constants } from 'node:fs'
import { access, chmod, mkdir, open, readFile, realpath, rename, rm, stat, writeFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { WardenError } from '@mcp-warden/core'

export interface ConfigBytes {
  readonly bytes: Buffer
  readonly sha256: string
}

export function sha256(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex')
}

function unreadable(path: string, cause: NodeJS.ErrnoException): WardenError {
  return new WardenError('ERR_CLIENT_CONFIG', `Cannot read ${path} (${cause.code ?? cause.message}). Check its permissions; MCP Warden changed nothing.`, {
    cause,
    details: { reason: 'unreadable' },
  })
}

/** The file's bytes, or undefined when it does not exist. */
export async function readConfigBytes(path: string): Promise<ConfigBytes | undefined> {
  try {
    const bytes = await readFile(path)
    return { bytes, sha256: sha256(bytes) }
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw unreadable(path, cause as NodeJS.ErrnoException)
  }
}

/**
 * Refuses a file marked read-only (no owner write bit: respected even where the process could write anyway, as
 * root) or one this user cannot write.
 */
export async function assertWritable(path: string): Promise<{ mode: number; uid: number; gid: number }> {
  const info = await stat(path)
  let writable = (info.mode & 0o200) !== 0
  if (writable) writable = await access(path, constants.W_OK).then(() => true, () => false)
  if (!writable) {
    throw new WardenError('ERR_CLIENT_CONFIG', `${path} is read-only. MCP Warden changed nothing; make it writable (for example \`chmod u+w\`) and try again.`, {
      details: { reason: 'unwritable' },
    })
  }
  return { mode: info.mode & 0o7777, uid: info.uid, gid: info.gid }
}

/**
 * Replaces the file's content atomically, keeping its mode; a symbolic link is followed so the link stays.
 *
 * @throws WardenError ERR_CLIENT_CONFIG (`unwritable`) when the file or its folder cannot be written.
 */
export async function writeConfigAtomically(path: string, text: Buffer | string): Promise<void> {
  const target = await realpath(path)
  const { mode, uid, gid } = await assertWritable(target)
  const temporary = join(dirname(target), `.${basename(target)}.mcp-warden-${randomBytes(6).toString('hex')}.tmp`)
  try {
    const handle = await open(temporary, 'wx', mode & 0o777)
    try {
      await handle.writeFile(text)
      await handle.chmod(mode)
      // As root (sudo keeping HOME), the new file must stay the person's, or their host could no longer write it.
      if (process.getuid?.() === 0) await handle.chown(uid, gid)
      await handle.sync()
    } finally {
      await handle.close()
    }
    await rename(temporary, target)
  } catch (cause) {
    await rm(temporary, { force: true })
    const code = (cause as NodeJS.ErrnoException).code
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
      throw new WardenError('ERR_CLIENT_CONFIG', `Cannot write ${target} or its folder (${code}). MCP Warden changed nothing; check the folder's permissions.`, {
        cause,
        details: { reason: 'unwritable' },
      })
    }
    throw cause
  }
}

/** Copies the current bytes into `dir` (owner-only: configs can hold API keys in `env`); returns the copy's path. */
export async function backUp(bytes: Buffer, dir: string, label: string, now: Date): Promise<string> {
  await mkdir(dir, { recursive: true, mode: 0o700 })
  await chmod(dir, 0o700)
  const stamp = now.toISOString().replace(/[:.]/g, '-')
  const path = join(dir, `${label}-${stamp}-${randomBytes(3).toString('hex')}.json`)
  await writeFile(path, bytes, { mode: 0o600, flag: 'wx' })
  return path
}
