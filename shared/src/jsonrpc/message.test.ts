import { describe, expect, it } from 'vitest'
import { isJsonRpcErrorResponse, isJsonRpcMessage, isJsonRpcNotification, isJsonRpcRequest, isJsonRpcResultResponse, readId } from './message.js'

describe('JSON-RPC guards', () => {
  it.each([
    [{ jsonrpc: '2.0', id: 1, method: 'tools/list' }, true],
    [{ jsonrpc: '2.0', id: 'a', method: 'tools/list', params: undefined }, true],
    [{ jsonrpc: '2.0', id: 1, method: 'm', params: [1] }, true],
    [{ jsonrpc: '2.0', id: 1, method: 'm', params: null }, false],
    [{ jsonrpc: '2.0', id: 1, method: 'm', params: 'x' }, false],
    [{ jsonrpc: '2.0', id: null, method: 'm' }, false],
    [{ jsonrpc: '2.0', id: Number.NaN, method: 'm' }, false],
    [{ jsonrpc: '1.0', id: 1, method: 'm' }, false],
    [{ jsonrpc: '2.0', id: 1, method: 5 }, false],
  ])('isJsonRpcRequest(%j) is %s', (value, expected) => {
    expect(isJsonRpcRequest(value)).toBe(expected)
  })

  it('tells notifications, results and errors apart, keeping unknown fields', () => {
    const note = { jsonrpc: '2.0', method: 'notifications/initialized', extra: 1 }
    expect([isJsonRpcNotification(note), isJsonRpcRequest(note), isJsonRpcMessage(note)]).toEqual([true, false, true])
    expect(isJsonRpcResultResponse({ jsonrpc: '2.0', id: 1, result: null })).toBe(true)
    expect(isJsonRpcErrorResponse({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } })).toBe(true)
    expect(isJsonRpcErrorResponse({ jsonrpc: '2.0', id: 1, error: { code: '1', message: 'x' } })).toBe(false)
    expect(isJsonRpcMessage({ jsonrpc: '2.0', id: 1 })).toBe(false)
  })

  it.each([
    [{ id: 7 }, 7],
    [{ id: 'x' }, 'x'],
    [{ id: {} }, null],
    [[1], null],
    ['s', null],
  ])('readId(%j) is %j', (value, expected) => {
    expect(readId(value)).toBe(expected)
  })
})
