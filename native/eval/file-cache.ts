// What was read from a file, kept while the file stays as it was. Compare reads every compared run's predictions
// for each page it shows (joining and sorting need all of them): 2 × 5,000 examples were read, parsed and validated
// again on every page. A file is the same while its inode, size and modification time are: predictions are
// replaced by rename (a new inode), so a rewrite within one clock tick is still seen.
import fs from 'node:fs';

interface Entry<T> { stamp: string; bytes: number; value: T }

export class FileCache<T> {
  /** Least recently used first (a Map keeps insertion order; a hit moves its entry to the end). */
  private readonly entries = new Map<string, Entry<T>>();

  /** `maxBytes`: the most file bytes kept in all (what is kept in memory is of that order); older files go first. */
  constructor(private readonly maxBytes: number, private readonly read: (file: string, fd?: number) => T) {}

  /**
   * What was read from `file`. Given `fd`, a descriptor open on it, the file is the one open there (stat and read
   * through fd): one renamed over the path meanwhile is not mistaken for it.
   */
  get(file: string, fd?: number): T {
    let stat: fs.Stats;
    try {
      stat = fd === undefined ? fs.statSync(file) : fs.fstatSync(fd);
    } catch {
      this.entries.delete(file);
      return this.read(file, fd); // the reader's own error names the file and what is wrong
    }
    const stamp = `${stat.ino}:${stat.size}:${stat.mtimeMs}`;
    const hit = this.entries.get(file);
    this.entries.delete(file);
    if (hit?.stamp === stamp) {
      this.entries.set(file, hit);
      return hit.value;
    }
    const value = this.read(file, fd);
    if (stat.size <= this.maxBytes) {
      this.entries.set(file, { stamp, bytes: stat.size, value });
      this.evict();
    }
    return value;
  }

  private evict(): void {
    let total = 0;
    for (const e of this.entries.values()) total += e.bytes;
    for (const [file, e] of this.entries) {
      if (total <= this.maxBytes) break;
      this.entries.delete(file);
      total -= e.bytes;
    }
  }
}
