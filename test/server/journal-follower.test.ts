import { appendFileSync, mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JournalFollower } from '../../server/storage/journal-follower.ts';

const parse = (v: unknown) => {
  if (typeof (v as { n?: unknown }).n !== 'number') throw new Error('no n');
  return v as { n: number };
};
const dir = () => mkdtempSync(join(tmpdir(), 'follower-'));
const ns = (entries: { n: number }[]) => entries.map((e) => e.n);

describe('JournalFollower', () => {
  it('reads nothing of a missing file, then each complete line once, never a partial one', async () => {
    const file = join(dir(), 'j.jsonl');
    const f = new JournalFollower(file, parse);
    expect(await f.poll()).toEqual([]);
    writeFileSync(file, '{"n":1}\n{"n":2}\n{"n":');
    expect(ns(await f.poll())).toEqual([1, 2]);
    expect(await f.poll()).toEqual([]);
    appendFileSync(file, '3}\n');
    expect(ns(await f.poll())).toEqual([3]);
  });

  it('catches up a long journal in chunks', async () => {
    const file = join(dir(), 'j.jsonl');
    writeFileSync(file, Array.from({ length: 100 }, (_, n) => `{"n":${n}}\n`).join(''));
    const f = new JournalFollower(file, parse, 64);
    const seen: number[] = [];
    for (let i = 0; i < 100 && seen.length < 100; i++) seen.push(...ns(await f.poll()));
    expect(seen).toEqual(Array.from({ length: 100 }, (_, n) => n));
  });

  it('reads a replaced file from its start', async () => {
    const d = dir();
    const file = join(d, 'j.jsonl');
    writeFileSync(file, '{"n":1}\n{"n":2}\n{"n":3}\n');
    const f = new JournalFollower(file, parse);
    expect(ns(await f.poll())).toEqual([1, 2, 3]);
    writeFileSync(join(d, 'new'), '{"n":7}\n');
    renameSync(join(d, 'new'), file);
    expect(ns(await f.poll())).toEqual([7]);
  });

  it('names the file and line of an entry it cannot parse', async () => {
    const file = join(dir(), 'j.jsonl');
    writeFileSync(file, '{"n":1}\n');
    const f = new JournalFollower(file, parse);
    await f.poll();
    appendFileSync(file, '{"n":2}\n{"x":1}\n');
    await expect(f.poll()).rejects.toThrow(`${file}:3: journal entry rejected`);
  });
});
