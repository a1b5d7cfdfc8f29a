/**
 * shared/src/content-safety/clean-names.ts — member names in which a detector list found nothing, remembered.
 *
 * Member names repeat across messages (the same tools, the same schemas: `path`, `query`, `options`), and
 * detectors are pure (same text and member name, same spans): a name whose scan found nothing under its parent's
 * member name finds nothing there again, so scanJson remembers it and the next time costs one lookup instead of
 * a scan. Only names of at most MAX_CLEAN_NAME characters are kept, each with the member name it was last scanned
 * under (one lookup per name), and never one with a finding; the memory is cleared when it holds MAX_CLEAN_NAMES
 * names, which bounds it. (String values are not remembered: a value is a new string in each message, which a
 * lookup must hash in full first; on the benchmark mix that cost nearly all the scanning it spared.)
 */

/** The longest name remembered. */
const MAX_CLEAN_NAME = 64
/** The most names remembered at once, per detector list. */
const MAX_CLEAN_NAMES = 4096

/** The parent member name of a name that has none (a member of the scanned value, scanned without `key`). */
const NO_KEY = Symbol('no member name')

/** Names found clean, each with the parent member name it was scanned under. */
export class CleanNames {
  private readonly byName = new Map<string, string | symbol>()

  /** Whether `name` was found clean under the member name `key`. */
  has(name: string, key: string | undefined): boolean {
    return name.length <= MAX_CLEAN_NAME && this.byName.get(name) === (key ?? NO_KEY)
  }

  /** Remembers that the scan of `name` under `key` found nothing (a longer name is not kept). */
  remember(name: string, key: string | undefined): void {
    if (name.length > MAX_CLEAN_NAME) return
    if (this.byName.size >= MAX_CLEAN_NAMES) this.byName.clear()
    this.byName.set(name, key ?? NO_KEY)
  }

  /** Forgets every name (the detectors changed). */
  clear(): void {
    this.byName.clear()
  }
}
