import { spawn } from 'node:child_process';
import fs from 'node:fs';
import fsp, { type FileHandle } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Journal, type JournalOptions } from '../../server/storage/journal.ts';
import { seededRandom } from '../helpers/seed.ts';

const Entry = z.object({ n: z.number().int() });
type Entry = z.infer<typeof Entry>;
const parse = (value: unknown): Entry => Entry.parse(value);

let dir: string;
let file: string;
let opened: Journal<unknown>[];

/** Opens `file`; afterEach closes whatever a test left open. */
async function open(options?: JournalOptions) {
  const result = await Journal.open(file, parse, options);
  opened.push(result.journal);
  return result;
}

const numbers = (entries: readonly Entry[]) => entries.map((entry) => entry.n);
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fairplay-journal-'));
  file = path.join(dir, 'rooms', 'nested', 'room-1.jsonl');
  opened = [];
});
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(opened.map((journal) => journal.close()));
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('Journal', () => {
  it('creates private directories and file, and replays what was appended', async () => {
    const first = await open();
    expect(first).toMatchObject({ entries: [], tornTail: false, warnings: [] });
    expect(fs.statSync(path.join(dir, 'rooms')).mode & 0o777).toBe(0o700);
    expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    await first.journal.append({ n: 0 });
    await first.journal.appendMany([{ n: 1 }, { n: 2 }]);
    await first.journal.appendMany([]);
    expect(first.journal.size).toBe(3);
    await first.journal.close();
    expect(fs.readFileSync(file, 'utf8')).toBe('{"n":0}\n{"n":1}\n{"n":2}\n');

    const second = await open();
    expect(numbers(second.entries)).toEqual([0, 1, 2]);
    expect(second.journal.size).toBe(3);
    await second.journal.append({ n: 3 });
    expect(second.journal.size).toBe(4);
    await second.journal.close();
    expect(numbers((await open()).entries)).toEqual([0, 1, 2, 3]);
  });

  it('keeps one entry per line even when strings hold newlines', async () => {
    const path2 = path.join(dir, 'text.jsonl');
    const { journal } = await Journal.open(path2, (v) => v as { text: string });
    await journal.append({ text: 'line one\nline two\u2028' });
    await journal.close();
    const reopened = await Journal.open(path2, (v) => v as { text: string });
    expect(reopened.entries).toEqual([{ text: 'line one\nline two\u2028' }]);
    await reopened.journal.close();
  });

  it('group-commits appends issued together: one write and fsync, resolved in append order', async () => {
    const commits: number[] = [];
    const { journal } = await open({ onCommit: ({ entries }) => void commits.push(entries) });
    const datasync = vi.spyOn(await fileHandlePrototype(), 'datasync');
    const resolved: number[] = [];
    await Promise.all(range(0, 100).map((n) => journal.append({ n }).then(() => resolved.push(n))));
    expect(resolved).toEqual(range(0, 100));
    expect(commits).toEqual([100]);
    expect(datasync).toHaveBeenCalledTimes(1);

    // Appends issued while a commit is in flight wait for it, then share the next one.
    const inFlight = journal.append({ n: 100 }).then(() => resolved.push(100));
    await new Promise((resolve) => setImmediate(resolve));
    await Promise.all(range(101, 151).map((n) => journal.append({ n }).then(() => resolved.push(n))));
    await inFlight;
    expect(resolved).toEqual(range(0, 151));
    expect(commits.length).toBeLessThanOrEqual(4);
    expect(commits.reduce((a, b) => a + b)).toBe(151);
    await journal.close();
    expect(numbers((await open()).entries)).toEqual(range(0, 151));
  });

  it('drops and truncates a torn last line, then appends on a fresh line', async () => {
    const { journal } = await open();
    await journal.appendMany([{ n: 0 }, { n: 1 }, { n: 2 }]);
    await journal.close();
    const intact = fs.statSync(file).size;
    fs.appendFileSync(file, Buffer.from('{"n":3,"s":"\u20ac', 'utf8').subarray(0, -1)); // ends mid-character

    const reopened = await open();
    expect(numbers(reopened.entries)).toEqual([0, 1, 2]);
    expect(reopened.tornTail).toBe(true);
    expect(reopened.warnings).toEqual([expect.stringMatching(/room-1\.jsonl:4: dropped a torn last line \(\d+ bytes/)]);
    expect(fs.statSync(file).size).toBe(intact);
    await reopened.journal.append({ n: 3 });
    await reopened.journal.close();

    const last = await open();
    expect(last.tornTail).toBe(false);
    expect(numbers(last.entries)).toEqual([0, 1, 2, 3]);
  });

  it('treats a torn line as the only content of a file', async () => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '{"n"');
    const { entries, tornTail } = await open();
    expect(entries).toEqual([]);
    expect(tornTail).toBe(true);
    expect(fs.readFileSync(file, 'utf8')).toBe('');
  });

  it.each([
    ['a malformed line in the middle', '{"n":0}\n{"n":1\n{"n":2}\n', ':2: corrupt journal: line is not valid JSON'],
    ['an empty line', '{"n":0}\n\n{"n":2}\n', ':2: corrupt journal'],
    ['invalid UTF-8', '{"n":0}\n{"n":1}\n{"s":"\xff"}\n', ':3: corrupt journal'],
    ['a complete but malformed last line', '{"n":0}\n{"n":\n', ':2: corrupt journal'],
  ])('refuses to open with %s, naming the file and line', async (_, content, message) => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, Buffer.from(content, 'latin1'));
    await expect(open()).rejects.toThrow(`${file}${message}`);
    expect(fs.readFileSync(file, 'latin1')).toBe(content); // nothing truncated
  });

  it('surfaces errors thrown by parse with the line number', async () => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '{"n":0}\n{"n":"one"}\n');
    await expect(open()).rejects.toThrow(new RegExp(`${escape(file)}:2: journal entry rejected: .*expected number`, 's'));
  });

  it('writes pending appends on close and rejects appends after it', async () => {
    const { journal } = await open();
    const pending = journal.appendMany([{ n: 0 }, { n: 1 }]);
    const closed = journal.close();
    expect(journal.close()).toBe(closed);
    await expect(journal.append({ n: 2 })).rejects.toThrow(`journal ${file} is closed`);
    await Promise.all([pending, closed]);
    expect(numbers((await open()).entries)).toEqual([0, 1]);
  });

  it('rejects an entry that is not JSON without breaking the journal', async () => {
    const { journal } = await Journal.open(file, (v) => v as { n: unknown });
    opened.push(journal);
    await expect(journal.append({ n: 1n })).rejects.toThrow(TypeError);
    await expect(journal.append(undefined as unknown as { n: unknown })).rejects.toThrow('not JSON-serializable');
    await journal.append({ n: 0 });
    expect(journal.size).toBe(1);
    await journal.close();
  });

  it.each(['write', 'datasync'] as const)('breaks for good when %s fails: waiters and later appends reject', async (method) => {
    const { journal } = await open();
    await journal.append({ n: 0 });
    const proto = await fileHandlePrototype();
    const enospc = Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    vi.spyOn(proto, method).mockImplementationOnce(() => new Promise<never>((_, reject) => setTimeout(() => reject(enospc), 20)));

    const inFlight = journal.append({ n: 1 });
    await new Promise((resolve) => setImmediate(resolve));
    const waiting = [journal.append({ n: 2 }), journal.appendMany([{ n: 3 }, { n: 4 }])];
    const results = await Promise.allSettled([inFlight, ...waiting]);
    const reasons = results.map((result) => (result.status === 'rejected' ? (result.reason as Error) : undefined));
    expect(reasons[0]?.message).toBe(`journal ${file} failed to write (ENOSPC: no space left on device) and accepts no further appends`);
    expect(reasons[0]?.cause).toBe(enospc);
    expect(reasons.every((reason) => reason === reasons[0])).toBe(true);

    await expect(journal.append({ n: 5 })).rejects.toBe(reasons[0]); // fails fast though the disk is back
    expect(journal.size).toBe(1);
    await journal.close();
  });

  it('recovers a prefix with no gaps after its writer is SIGKILLed, again and again', async () => {
    const child = path.join(dir, 'writer.mjs');
    fs.writeFileSync(
      child,
      `const [journalUrl, file] = process.argv.slice(2);
       const { Journal } = await import(journalUrl);
       const { journal, entries } = await Journal.open(file, (v) => v);
       let n = entries.length;
       for (;;) {
         const burst = [];
         for (let i = 0; i < 1 + (n % 37); i++) burst.push(journal.append({ n: n++ }));
         await Promise.all(burst);
         process.stdout.write(n + '\\n'); // acknowledged: durable up to n
       }`,
    );
    const journalUrl = pathToFileURL(path.resolve('server/storage/journal.ts')).href;
    const random = seededRandom('journal SIGKILLs');
    let acked = 0;
    for (let round = 0; round < 3; round++) {
      const target = acked + random.int(200, 499); // the kill comes once this many entries are acknowledged
      acked = await runUntilKilled(['--import', 'tsx', child, journalUrl, file], target);
      const { journal, entries } = await open();
      expect(numbers(entries)).toEqual(range(0, entries.length));
      expect(entries.length).toBeGreaterThanOrEqual(acked);
      acked = entries.length;
      await journal.close();
    }
  });
});

/** The journal's FileHandle is private; reach the shared prototype through a handle of our own. */
async function fileHandlePrototype(): Promise<FileHandle> {
  const handle = await fsp.open(file, 'r');
  await handle.close();
  return Object.getPrototypeOf(handle) as FileHandle;
}

function escape(text: string) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Runs the writer until it acknowledges `target` entries, SIGKILLs it, returns the last ack seen. */
function runUntilKilled(args: string[], target: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let acked = 0;
    let stdout = '';
    let stderr = '';
    proc.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const lines = stdout.split('\n');
      stdout = lines.pop() ?? '';
      for (const line of lines) acked = Math.max(acked, Number(line));
      if (acked >= target) proc.kill('SIGKILL');
    });
    proc.stderr.setEncoding('utf8').on('data', (chunk: string) => void (stderr += chunk));
    proc.on('error', reject);
    proc.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(acked);
      else reject(new Error(`writer exited with ${code ?? signal}: ${stderr}`));
    });
  });
}
