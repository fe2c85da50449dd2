/**
 * What dice transcripts say, checked from the outside: the keys a server publishes, each
 * player's balance as it reports it, every room settled (verifying, each draw ended once), and
 * what the records did to each player's chips, worked out from the records alone.
 */
import { expect } from 'vitest';
import { verifyTranscript, type Transcript } from '../../vrf/protocol/transcript.ts';
import { getJson, type FairnessParams } from './player.ts';
import type { ServerProcess } from './server-process.ts';

export async function fairnessOf(server: ServerProcess): Promise<FairnessParams> {
  const { suite, keyId, publicKey, receiptSigner } = await getJson<FairnessParams>(`${server.url}/fairness`);
  return { suite, keyId, publicKey, receiptSigner };
}

export async function chipsOf(server: ServerProcess, address: string): Promise<number> {
  return (await getJson<{ balance: number }>(`${server.url}/players/${address}/chips`)).balance;
}

/** What the records of these transcripts did to each player's chips, worked out from them alone. */
export function chipDeltas(transcripts: readonly Transcript[]): Map<string, number> {
  const deltas = new Map<string, number>();
  const add = (address: string, delta: number) => deltas.set(address.toLowerCase(), (deltas.get(address.toLowerCase()) ?? 0) + delta);
  for (const t of transcripts) {
    const receipts = new Map<number, { player: string; stake: number }>();
    for (const r of t.records) {
      if (r.type === 'receipt') {
        const draw = { player: r.players[0]!, stake: Number(r.action['stake']) };
        receipts.set(r.drawSeq, draw);
        add(draw.player, -draw.stake);
      } else if (r.type === 'void' || r.type === 'outcome') {
        const draw = receipts.get(r.drawSeq)!;
        add(draw.player, r.type === 'void' ? draw.stake : Number(r.result['payout']));
      }
    }
  }
  return deltas;
}

/** The transcript verifies under the pinned keys, and each receipt has exactly one outcome or void. */
export function expectSettled(transcript: Transcript, keys: FairnessParams): void {
  const report = verifyTranscript(transcript, keys);
  expect(report.records.filter((r) => r.problems.length)).toEqual([]);
  expect(report.problems).toEqual([]);
  expect(report).toMatchObject({ ok: true, pendingDraws: [], closed: true }); // finished rooms end with a signed close
  const ends = new Map<number, number>();
  for (const r of transcript.records) if (r.type !== 'receipt') ends.set(r.drawSeq, (ends.get(r.drawSeq) ?? 0) + 1);
  for (const r of transcript.records) if (r.type === 'receipt') expect(ends.get(r.drawSeq), `draw ${r.drawSeq}`).toBe(1);
}
