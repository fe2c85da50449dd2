/**
 * Reads another process's journal as it grows: each `poll()` returns the entries completed
 * since the last one. Only whole lines count, so an append the writer has not finished (or
 * a torn tail it will truncate on restart) is never read.
 * @module
 */
import { promises as fsp } from 'node:fs';

const NEWLINE = 0x0a;

export class JournalFollower<T> {
  #offset = 0;
  #line = 0;

  constructor(
    readonly path: string,
    private readonly parse: (value: unknown) => T,
  ) {}

  /** New complete entries; none if the file does not exist (yet). */
  async poll(): Promise<T[]> {
    let handle: fsp.FileHandle;
    try {
      handle = await fsp.open(this.path, 'r');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    try {
      const { size } = await handle.stat();
      if (size <= this.#offset) return [];
      const data = Buffer.alloc(size - this.#offset);
      const { bytesRead } = await handle.read(data, 0, data.length, this.#offset);
      const end = data.subarray(0, bytesRead).lastIndexOf(NEWLINE);
      if (end < 0) return [];
      const entries: T[] = [];
      for (const text of data.subarray(0, end).toString('utf8').split('\n')) {
        this.#line++;
        try {
          entries.push(this.parse(JSON.parse(text)));
        } catch (cause) {
          throw new Error(`${this.path}:${this.#line}: journal entry rejected`, { cause });
        }
      }
      this.#offset += end + 1;
      return entries;
    } finally {
      await handle.close();
    }
  }
}
