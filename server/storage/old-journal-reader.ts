/**
 * Reads a JSON-lines journal of the version before the database, for its import; nothing writes
 * these files any more.
 *
 * The format: one JSON value per line, each line ended by a newline, UTF-8. The rules, as that
 * version's writer left its files:
 * - A last line without its newline is a torn tail (a write interrupted by a crash, never
 *   acknowledged): ignored, whatever it holds.
 * - Any complete line that is not valid UTF-8 JSON (an empty one included) is damage: the read
 *   fails, naming the file and line.
 * - `parse` turns each value into an entry and may throw to reject it: that also fails the read,
 *   naming the file and line (a caller that would rather skip it catches inside `parse`).
 * - A missing file fails with the file system's error (ENOENT), for the caller to tell apart.
 * - With `onDamaged`, a damaged or rejected line is handed to it and skipped instead, and the
 *   read goes on: the import sets the file aside with a report (`old-journals.ts`).
 * @module
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';

const NEWLINE = 0x0a;

/** Every complete entry of the journal at `file`, in file order, through `parse`. */
export async function readOldJournal<T>(file: string, parse: (value: unknown) => T, onDamaged?: (line: number, reason: string) => void): Promise<T[]> {
  const absolute = resolve(file);
  const data = await readFile(absolute);
  // Fatal: a line of bad bytes is damage, not text to guess at.
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const entries: T[] = [];
  let start = 0;
  let line = 0;
  for (let end = data.indexOf(NEWLINE); end !== -1; end = data.indexOf(NEWLINE, start)) {
    line++;
    const text = data.subarray(start, end);
    start = end + 1;
    let value: unknown;
    try {
      value = JSON.parse(decoder.decode(text));
    } catch (cause) {
      if (onDamaged) {
        onDamaged(line, 'line is not valid JSON');
        continue;
      }
      throw new Error(`${absolute}:${line}: corrupt journal: line is not valid JSON`, { cause });
    }
    try {
      entries.push(parse(value));
    } catch (cause) {
      const reason = cause instanceof Error ? cause.message : String(cause);
      if (onDamaged) {
        onDamaged(line, `entry rejected: ${reason.slice(0, 300)}`);
        continue;
      }
      throw new Error(`${absolute}:${line}: journal entry rejected: ${reason}`, { cause });
    }
  }
  // What follows the last newline is the torn tail: left unread.
  return entries;
}
