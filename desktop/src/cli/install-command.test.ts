/**
 * `mcp-warden install` on a terminal: the y/N prompt decides, and nothing changes without a yes.
 */
import { readFile, rm } from 'node:fs/promises'
import { PassThrough } from 'node:stream'
import { afterEach, describe, expect, it } from 'vitest'
import { SAMPLES, temporaryHome, writeConfig } from '../installers/testing/samples.js'
import { main } from './main.js'
import { createTestIo } from './testing/test-io.js'

const homes: string[] = []

afterEach(async () => {
  await Promise.all(homes.splice(0).map((dir) => rm(dir, { recursive: true, force: true })))
})

async function onTerminal(answer: string) {
  const context = await temporaryHome()
  homes.push(context.homeDir)
  const path = await writeConfig(context, 'windsurf', SAMPLES.windsurf)
  const io = createTestIo({ env: { HOME: context.homeDir } })
  const stdin = Object.assign(new PassThrough(), { isTTY: true })
  const asked = io.logged('[y/N] ').then(() => stdin.end(`${answer}\n`))
  const code = await main(['install', 'windsurf'], { ...io, stdin })
  await asked
  return { code, io, text: await readFile(path, 'utf8') }
}

describe('mcp-warden install on a terminal', () => {
  it('applies after "y"', async () => {
    const { code, io, text } = await onTerminal('y')
    expect(code).toBe(0)
    expect(io.err()).toContain('Apply these changes to 1 file? [y/N] ')
    expect(io.out()).toContain('Windsurf: protected 2 servers')
    expect(text).toContain('"--url",')
  })

  it('changes nothing after anything else', async () => {
    const { code, io, text } = await onTerminal('')
    expect(code).toBe(1)
    expect(io.err()).toContain('Nothing was changed.')
    expect(text).toBe(SAMPLES.windsurf)
  })
})
