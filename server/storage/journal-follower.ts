/**
 * Reads another process's journal as it grows: each `poll()` returns the entries completed
 * since the last one. Only whole lines count, so an append the writer has not finished (or
 * a torn tail it will truncate on restart) is never read. A journal replaced by a new file
 * (a wiped node directory, say) is read again from its start: its readers apply entries
 * idempotently (by ref or id), so reading one twice changes nothing.
 * @module
 */
import { promises as fsp } from 'node:fs';

const NEWLINE = 0x0a;
/** Read at most this much per poll: a long journal is caught up over several polls. */
const CHUNK_BYTES = 4 * 1024 * 1024;

export class JournalFollower<T> {
  #offset = 0;
  #line = 0;
  #inode: number | undefined;

  constructor(
    readonly path: string,
    private readonly parse: (value: unknown) => T,
    private readonly chunkBytes = CHUNK_BYTES,
  ) {}

  /** New complete entries; none if the file does not exist (yet). */
  async poll(): Promise<T[]> {
    return (await this.pollPlaced()).map((e) => e.value);
  }

  /** As poll, with where each entry starts in the file. */
  async pollPlaced(): Promise<{ value: T; offset: number }[]> {
    let handle: fsp.FileHandle;
    try {
      handle = await fsp.open(this.path, 'r');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    try {
      const { size, ino } = await handle.stat();
      if (ino !== this.#inode || size < this.#offset) [this.#inode, this.#offset, this.#line] = [ino, 0, 0];
      if (size <= this.#offset) return [];
      const data = Buffer.alloc(Math.min(size - this.#offset, this.chunkBytes));
      const { bytesRead } = await handle.read(data, 0, data.length, this.#offset);
      const end = data.subarray(0, bytesRead).lastIndexOf(NEWLINE);
      if (end < 0) {
        if (bytesRead === this.chunkBytes) throw new Error(`${this.path}:${this.#line + 1}: a line longer than ${this.chunkBytes} bytes`);
        return [];
      }
      const entries: { value: T; offset: number }[] = [];
      const lines = data.subarray(0, end).toString('utf8').split('\n');
      let offset = this.#offset;
      for (const [i, text] of lines.entries()) {
        try {
          entries.push({ value: this.parse(JSON.parse(text)), offset });
          offset += Buffer.byteLength(text, 'utf8') + 1;
        } catch (cause) {
          throw new Error(`${this.path}:${this.#line + i + 1}: journal entry rejected`, { cause });
        }
      }
      this.#offset += end + 1;
      this.#line += lines.length;
      return entries;
    } finally {
      await handle.close();
    }
  }
}
