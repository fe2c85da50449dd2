/**
 * A durable append-only journal of JSON lines: the embedded storage for transcripts, chip
 * ledgers and award outboxes. An append resolves only once its entry is on disk, so a caller
 * may announce an entry as soon as its append resolves, and must not before.
 *
 * Appends issued while a write is in flight are group-committed: written together, in order,
 * with one write and one fdatasync, so throughput scales with concurrency rather than with
 * disk latency. A failed write or fsync breaks the journal for good: after a failed fsync the
 * kernel may have dropped the dirty pages, so retrying could acknowledge data that is lost.
 *
 * On open, a torn last line (no trailing newline: a crash mid-write) is truncated away; it was
 * never acknowledged. Any other malformed line is corruption and fails the open.
 * @module
 */
import { constants, promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';

export interface JournalOptions {
  /** Called after each group commit is durable; for metrics and tests. Errors are ignored. */
  onCommit?: (batch: { entries: number; bytes: number }) => void;
}

export interface JournalOpenResult<T> {
  journal: Journal<T>;
  /** Every entry on disk, in append order. */
  entries: T[];
  /** Where each entry starts in the file, in bytes. */
  offsets: number[];
  /** True if an unterminated last line was found and truncated away. */
  tornTail: boolean;
  /** Warning-level notes about the recovery (the torn tail), for the caller's log. */
  warnings: string[];
}

interface PendingAppend {
  readonly text: string;
  readonly count: number;
  readonly resolve: () => void;
  readonly reject: (err: Error) => void;
}

const NEWLINE = 0x0a;

export class Journal<T> {
  readonly path: string;
  readonly #handle: FileHandle;
  readonly #options: JournalOptions;
  #size: number;
  /** File length in bytes once every queued append is written: where the next entry starts. */
  #bytes: number;
  #queue: PendingAppend[] = [];
  /** The running flush loop, if any; close() waits for it. */
  #flushing: Promise<void> | undefined;
  #failure: Error | undefined;
  #closing: Promise<void> | undefined;

  private constructor(file: string, handle: FileHandle, size: number, bytes: number, options: JournalOptions) {
    this.path = file;
    this.#handle = handle;
    this.#size = size;
    this.#bytes = bytes;
    this.#options = options;
  }

  /**
   * Reads a journal without opening it for writing (a finished one, say): its complete entries,
   * through `parse`; a torn last line is ignored, not truncated. Missing file: ENOENT.
   */
  static async read<T>(file: string, parse: (value: unknown) => T): Promise<T[]> {
    const absolute = path.resolve(file);
    return replay(await fsp.readFile(absolute), parse, absolute).entries;
  }

  /**
   * Opens (creating if missing) the journal at `file` and replays it through `parse`, which
   * may throw to reject an entry; that fails the open with the file and line number.
   */
  static async open<T>(file: string, parse: (value: unknown) => T, options: JournalOptions = {}): Promise<JournalOpenResult<T>> {
    const absolute = path.resolve(file);
    const dir = path.dirname(absolute);
    const createdDir = await fsp.mkdir(dir, { recursive: true, mode: 0o700 });
    // O_APPEND: every write lands at the end, also after a torn tail is truncated away.
    const handle = await fsp.open(absolute, constants.O_RDWR | constants.O_APPEND | constants.O_CREAT, 0o600);
    try {
      // The file's directory entry (and those of new directories) must be durable before the
      // first entry is acknowledged. Synced on every open, not only on creation, in case the
      // process that created the file crashed before syncing.
      await fsyncDir(dir);
      if (createdDir !== undefined) {
        const top = path.dirname(createdDir);
        for (let d = dir; d !== top && d !== path.dirname(d); ) await fsyncDir((d = path.dirname(d)));
      }
      const data = await handle.readFile();
      const { entries, offsets, validLength } = replay(data, parse, absolute);
      const warnings: string[] = [];
      if (validLength < data.length) {
        await handle.truncate(validLength);
        await handle.sync();
        warnings.push(`${absolute}:${entries.length + 1}: dropped a torn last line (${data.length - validLength} bytes without a newline) left by an interrupted write`);
      }
      const journal = new Journal<T>(absolute, handle, entries.length, validLength, options);
      return { journal, entries, offsets, tornTail: warnings.length > 0, warnings };
    } catch (err) {
      await handle.close();
      throw err;
    }
  }

  /** Entries on disk, replayed ones included. */
  get size(): number {
    return this.#size;
  }

  /** Resolves once `entry` is on disk (fdatasync), after every earlier append. */
  append(entry: T): Promise<void> {
    return this.appendMany([entry]);
  }

  /**
   * Appends `entries` in one write, acknowledged together. Not atomic across a crash: a
   * prefix of them may be replayed, so each entry must make sense on its own.
   */
  appendMany(entries: readonly T[]): Promise<void> {
    return this.appendPlaced(entries).written;
  }

  /**
   * As appendMany, and tells at once where each entry will start in the file (appends are
   * written in the order they are made), so a reader can find it there once `written` resolves.
   */
  appendPlaced(entries: readonly T[]): { offsets: number[]; written: Promise<void> } {
    if (this.#failure) return { offsets: [], written: Promise.reject(this.#failure) };
    if (this.#closing) return { offsets: [], written: Promise.reject(new Error(`journal ${this.path} is closed`)) };
    let lines: string[];
    try {
      lines = entries.map((entry) => serialize(entry));
    } catch (err) {
      return { offsets: [], written: Promise.reject(err instanceof Error ? err : new Error(String(err))) };
    }
    const offsets: number[] = [];
    for (const line of lines) {
      offsets.push(this.#bytes);
      this.#bytes += Buffer.byteLength(line, 'utf8');
    }
    const text = lines.join('');
    const written = new Promise<void>((resolve, reject) => {
      this.#queue.push({ text, count: entries.length, resolve, reject });
      // Start on a microtask, so that appends issued in the same tick share the first commit.
      this.#flushing ??= Promise.resolve().then(() => this.#flush());
    });
    return { offsets, written };
  }

  /** Waits for pending appends, then closes the file. Later appends reject. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await this.#flushing;
      await this.#handle.close();
    })();
    return this.#closing;
  }

  async #flush(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch = this.#queue;
      this.#queue = [];
      const bytes = Buffer.from(batch.map((append) => append.text).join(''), 'utf8');
      try {
        if (bytes.length > 0) {
          await writeAll(this.#handle, bytes);
          await this.#handle.datasync();
        }
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        this.#failure = new Error(`journal ${this.path} failed to write (${reason}) and accepts no further appends`, { cause: err });
        for (const append of [...batch, ...this.#queue]) append.reject(this.#failure);
        this.#queue = [];
        break;
      }
      let count = 0;
      for (const append of batch) {
        count += append.count;
        append.resolve();
      }
      this.#size += count;
      try {
        this.#options.onCommit?.({ entries: count, bytes: bytes.length });
      } catch {
        // An observer must not turn a durable commit into a failure.
      }
    }
    this.#flushing = undefined;
  }
}

function serialize(entry: unknown): string {
  // JSON.stringify escapes newlines inside strings, so one entry is always exactly one line.
  const json = JSON.stringify(entry);
  if (json === undefined) throw new TypeError('journal entry is not JSON-serializable');
  return `${json}\n`;
}

/** Parses every complete line; `validLength` ends after the last newline. */
function replay<T>(data: Buffer, parse: (value: unknown) => T, file: string): { entries: T[]; offsets: number[]; validLength: number } {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const entries: T[] = [];
  const offsets: number[] = [];
  let start = 0;
  for (let end = data.indexOf(NEWLINE); end !== -1; end = data.indexOf(NEWLINE, start)) {
    const line = entries.length + 1;
    let value: unknown;
    try {
      value = JSON.parse(decoder.decode(data.subarray(start, end)));
    } catch (cause) {
      throw new Error(`${file}:${line}: corrupt journal: line is not valid JSON`, { cause });
    }
    try {
      entries.push(parse(value));
      offsets.push(start);
    } catch (cause) {
      const reason = cause instanceof Error ? cause.message : String(cause);
      throw new Error(`${file}:${line}: journal entry rejected: ${reason}`, { cause });
    }
    start = end + 1;
  }
  return { entries, offsets, validLength: start };
}

async function writeAll(handle: FileHandle, bytes: Buffer): Promise<void> {
  for (let offset = 0; offset < bytes.length; ) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset);
    if (bytesWritten <= 0) throw new Error('write made no progress');
    offset += bytesWritten;
  }
}

async function fsyncDir(dir: string): Promise<void> {
  const handle = await fsp.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
