/**
 * The reader of the previous version's JSON-lines journals: complete lines read in order, a torn
 * last line (an interrupted write, never acknowledged) ignored, a damaged line before it refused
 * with the file and line, entries `parse` rejects refused likewise, a missing file an ENOENT.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readOldJournal } from '../../server/storage/old-journal-reader.ts';

const Entry = z.object({ n: z.number().int() });
type Entry = z.infer<typeof Entry>;
const parse = (value: unknown): Entry => Entry.parse(value);

let dir: string;
let file: string;

/** Writes `content` (latin1, so that any byte can be given) to `file` and reads it. */
function read(content: string): Promise<Entry[]> {
  fs.writeFileSync(file, Buffer.from(content, 'latin1'));
  return readOldJournal(file, parse);
}

const numbers = (entries: readonly Entry[]) => entries.map((entry) => entry.n);

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fairplay-old-journal-'));
  file = path.join(dir, 'room-1.jsonl');
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('readOldJournal', () => {
  it('reads every line in order, through parse', async () => {
    expect(numbers(await read('{"n":0}\n{"n":1}\n{"n":2}\n'))).toEqual([0, 1, 2]);
    expect(await read('')).toEqual([]);
  });

  it('keeps one entry per line when strings hold escaped newlines', async () => {
    fs.writeFileSync(file, `${JSON.stringify({ text: 'line one\nline two\u2028' })}\n`);
    expect(await readOldJournal(file, (v) => v as { text: string })).toEqual([{ text: 'line one\nline two\u2028' }]);
  });

  it('ignores a torn last line, and leaves the file as it is', async () => {
    const torn = Buffer.concat([Buffer.from('{"n":0}\n{"n":1}\n{"n":2}\n'), Buffer.from('{"n":3,"s":"\u20ac', 'utf8').subarray(0, -1)]); // ends mid-character
    fs.writeFileSync(file, torn);
    expect(numbers(await readOldJournal(file, parse))).toEqual([0, 1, 2]);
    expect(fs.readFileSync(file)).toEqual(torn);
  });

  it('treats a torn line as the only content of a file', async () => {
    expect(await read('{"n"')).toEqual([]);
  });

  it.each([
    ['a malformed line in the middle', '{"n":0}\n{"n":1\n{"n":2}\n', ':2: corrupt journal: line is not valid JSON'],
    ['an empty line', '{"n":0}\n\n{"n":2}\n', ':2: corrupt journal'],
    ['invalid UTF-8', '{"n":0}\n{"n":1}\n{"s":"\xff"}\n', ':3: corrupt journal'],
    ['a complete but malformed last line', '{"n":0}\n{"n":\n', ':2: corrupt journal'],
  ])('refuses %s, naming the file and line', async (_, content, message) => {
    await expect(read(content)).rejects.toThrow(`${file}${message}`);
  });

  it('surfaces errors thrown by parse with the line number', async () => {
    await expect(read('{"n":0}\n{"n":"one"}\n')).rejects.toThrow(new RegExp(`${escape(file)}:2: journal entry rejected: .*expected number`, 's'));
  });

  it('fails with ENOENT for a missing file', async () => {
    await expect(readOldJournal(path.join(dir, 'none.jsonl'), parse)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('names the file by its absolute path', async () => {
    fs.writeFileSync(file, 'not json\n');
    const relative = path.relative(process.cwd(), file);
    await expect(readOldJournal(relative, parse)).rejects.toThrow(`${file}:1: corrupt journal`);
  });
});

function escape(text: string) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
