/**
 * desktop/src/agent/server/probe-socket.ts — does something listen on this socket?
 */
import { connect } from 'node:net'

/**
 * Resolves `true` when a connection to `socketPath` is accepted, `false` when it is refused or the path is
 * missing (a stale socket file left by a killed agent refuses), and `false` after `timeoutMs`.
 *
 * @example
 * if (await probeSocket('/run/user/1000/mcp-warden/agent.sock')) console.error('an agent is running')
 */
export function probeSocket(socketPath: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(socketPath)
    const done = (answer: boolean): void => {
      clearTimeout(timer)
      socket.destroy()
      resolve(answer)
    }
    const timer = setTimeout(() => done(false), timeoutMs)
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
  })
}
