/**
 * The plan's unified diff, checked against what `diff -u` prints for the same change.
 */
import { describe, expect, it } from 'vitest'
import { unifiedDiff } from './unified-diff.js'

const lines = (n: number): string => Array.from({ length: n }, (_, i) => `line ${i}`).join('\n') + '\n'

describe('unifiedDiff', () => {
  it('is empty for equal texts', () => {
    expect(unifiedDiff('/a.json', 'x\n', 'x\n')).toBe('')
  })

  it('groups nearby changes into one hunk with three lines of context, as diff -u does', () => {
    const before = lines(30)
    const after = before.replace('line 3\n', 'line 3 changed\n').replace('line 20\n', '').replace('line 25\n', 'line 25\nnew\n')
    expect(unifiedDiff('/x/y.json', before, after)).toBe(
      [
        '--- a/x/y.json',
        '+++ b/x/y.json',
        '@@ -1,7 +1,7 @@',
        ' line 0',
        ' line 1',
        ' line 2',
        '-line 3',
        '+line 3 changed',
        ' line 4',
        ' line 5',
        ' line 6',
        '@@ -18,12 +18,12 @@',
        ' line 17',
        ' line 18',
        ' line 19',
        '-line 20',
        ' line 21',
        ' line 22',
        ' line 23',
        ' line 24',
        ' line 25',
        '+new',
        ' line 26',
        ' line 27',
        ' line 28',
        '',
      ].join('\n'),
    )
  })

  it('handles a file created from nothing and a last line removed', () => {
    expect(unifiedDiff('/n.json', '', '{}\n')).toBe('--- a/n.json\n+++ b/n.json\n@@ -0,0 +1,1 @@\n+{}\n')
    expect(unifiedDiff('/n.json', 'a\nb\n', 'a\n')).toBe('--- a/n.json\n+++ b/n.json\n@@ -1,2 +1,1 @@\n a\n-b\n')
  })

  it('stays fast on a large file with a few changes (Myers, not a full table)', () => {
    const before = lines(50_000)
    const after = before.replace('line 100\n', 'line 100!\n').replace('line 40000\n', 'line 40000!\n')
    const started = performance.now()
    const diff = unifiedDiff('/big.json', before, after)
    expect(performance.now() - started).toBeLessThan(1000)
    expect(diff.match(/^@@/gm)).toHaveLength(2)
  })
})
