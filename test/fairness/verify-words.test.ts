/**
 * /verify's words against the real verifier: every record of the worked example's three rooms
 * (dice, raid, blackjack, as the server writes them) reads in its game's words, and every problem
 * the verifier reports on them tampered in many ways maps to a sentence of its own, never to the
 * fallback: a new problem string added to the verifier without words here fails this test.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { verifyTranscript, type Transcript } from '../../vrf/protocol/transcript.ts';
import { whyLines, whyWords } from '../../client/src/verify-why.ts';
import { receiptsByDraw, recordWords, type LooseRecord } from '../../client/src/verify-words.ts';
import { buildWorkedExample, type WorkedExample } from './worked-example.ts';

let example: WorkedExample;
beforeAll(async () => {
  example = await buildWorkedExample();
});

const FALLBACK = whyWords('a problem no rule knows');
type Rec = Transcript['records'][number] & Record<string, unknown>;

/** A copy of `t` with `change` applied to its records. */
function tampered(t: Transcript, change: (records: Rec[]) => void): Transcript {
  const copy = structuredClone(t);
  change(copy.records as Rec[]);
  return copy;
}

const flip = (hex: string, at = 0): string => `${hex.slice(0, at)}${hex[at] === '0' ? '1' : '0'}${hex.slice(at + 1)}`;
const first = (records: Rec[], type: string) => records.find((r) => r.type === type)!;

describe('/verify in words', () => {
  it("reads every record of the worked example's rooms in its game's words", () => {
    const lines = (t: Transcript) => {
      const records = t.records as unknown as LooseRecord[];
      const receipts = receiptsByDraw(records);
      return records.map((r) => recordWords(r, receipts.get(r.drawSeq as number)));
    };
    const all = [...lines(example.dice), ...lines(example.raid), ...lines(example.blackjack)];
    console.log(all.join('\n'));
    for (const line of all) expect(line).not.toMatch(/\?|not a record/);
    expect(lines(example.dice)[1]).toMatch(/^draw 0, Dice: rolled \d+ — needed (under|over) \d+ — (lost|won [\d.,]+ chips?)$/);
    expect(lines(example.raid)).toContainEqual(expect.stringMatching(/^draw 0, Treasure raid: \d+ chests placed at \(/));
    expect(lines(example.blackjack)).toContainEqual(expect.stringMatching(/^hand 0, Blackjack: you \d+ \([^)]+\), dealer \d+ \([^)]+\) — (won|lost|push|bust|blackjack|the dealer has blackjack)/));
    expect(lines(example.blackjack)).toContainEqual(expect.stringMatching(/^hand 0, Blackjack, move: (hit|stand|double)$/));
    expect(all.at(-1)).toMatch(/^close: the room closed after \d+ draws?$/);
  });

  it('says why in words for every problem the verifier reports on tampered transcripts', () => {
    const cases: [string, Transcript, WorkedExample['keys']?][] = [
      ['a result changed', tampered(example.dice, (rs) => void ((first(rs, 'outcome')['result'] as { roll: number }).roll += 1))],
      ['a byte of beta', tampered(example.dice, (rs) => void (first(rs, 'outcome')['beta'] = flip(first(rs, 'outcome')['beta'] as string)))],
      ['a byte of the proof', tampered(example.dice, (rs) => void (first(rs, 'outcome')['pi'] = flip(first(rs, 'outcome')['pi'] as string, 70)))],
      ['a seed', tampered(example.raid, (rs) => void ((first(rs, 'outcome')['seeds'] as string[])[0] = flip((first(rs, 'outcome')['seeds'] as string[])[0]!)))],
      ['a bet changed', tampered(example.dice, (rs) => void ((first(rs, 'receipt')['action'] as { target: number }).target += 1))],
      ['a record dropped', tampered(example.blackjack, (rs) => void rs.splice(2, 1))],
      ['a hash', tampered(example.dice, (rs) => void (first(rs, 'outcome').hash = flip(first(rs, 'outcome').hash)))],
      ['another room', tampered(example.dice, (rs) => void (first(rs, 'outcome')['roomId'] = 'elsewhere'))],
      ['a move changed', tampered(example.blackjack, (rs) => void (first(rs, 'move')['move'] = first(rs, 'move')['move'] === 'hit' ? 'stand' : 'hit'))],
      ['a draw number', tampered(example.dice, (rs) => void (first(rs, 'receipt')['drawSeq'] = 5))],
      ['a malformed record', tampered(example.dice, (rs) => void rs.splice(1, 0, {} as Rec))],
      ['the close moved up', tampered(example.dice, (rs) => void rs.unshift(rs.pop()!))],
      ['the wrong keys', example.dice, { ...example.keys, publicKey: flip(example.keys.publicKey, 63), receiptSigner: example.alice }],
    ];
    const seen = new Set<string>();
    for (const [what, transcript, keys] of cases) {
      const report = verifyTranscript(transcript, keys ?? example.keys);
      expect(report.ok, what).toBe(false);
      for (const p of report.problems) expect(whyWords(p), `${what}: transcript problem "${p}"`).not.toBe(FALLBACK);
      for (const r of report.records) {
        if (r.type === 'malformed') expect(whyLines(r.problems, true)[0]).toMatch(/not a well-formed record/);
        else for (const p of r.problems) expect(whyWords(p), `${what}: record ${r.seq} problem "${p}"`).not.toBe(FALLBACK);
        r.problems.forEach((p) => seen.add(p));
      }
    }
    console.log(`${seen.size} distinct problems, each with words:\n${[...seen].map((p) => `${p}\n  → ${whyWords(p)}`).join('\n')}`);
  });
});
