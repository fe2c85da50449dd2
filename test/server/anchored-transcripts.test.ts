/**
 * The fairness registry and anchors end to end, on the embedded chain of a real server process:
 * a room played and closed is anchored, and its transcript verifies against the registry and the
 * anchor read through the server's public JSON-RPC endpoint; a truncated, a rewritten and a
 * forked copy each fail against the same anchor; and after the operator changes the house edge,
 * the registry holds the new rules only from its change delay on, so a verifier refuses the
 * draws the server plays under them before that.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNITS_PER_CHIP } from '../../games/chips.ts';
import type { RulesDocument } from '../../games/rules-document.ts';
import { ChainRegistry } from '../../vrf/protocol/chain-registry.ts';
import { recordHash, type DrawRecord } from '../../vrf/protocol/records.ts';
import { verifyTranscript, type Transcript } from '../../vrf/protocol/transcript.ts';
import { closedTranscript, getJson, TestPlayer, type FairnessParams } from '../helpers/player.ts';
import { startServerProcess, tempDataDir, timeoutWithStarts, type ServerProcess } from '../helpers/server-process.ts';
import { waitFor } from '../helpers/wait-for.ts';

type Fairness = FairnessParams & { rules: Record<string, RulesDocument>; chain: { rpcUrl: string; registry: string; changeDelaySeconds: number } };
type AnchoredTranscript = Transcript & { anchor: { index: number; leaf: { lastSeq: number } } | null; lastAnchorAt: number | null };

const dataDir = tempDataDir();
const env = { ANCHOR_PERIOD_MS: '1000', FAIRNESS_CHANGE_DELAY_SECONDS: '86400' };
let server: ServerProcess | undefined;

beforeAll(async () => {
  server = await startServerProcess({ dataDir, env });
});
afterAll(async () => {
  await server?.stop();
});

/** Plays `bets` dice bets in a room of its own, leaves, and returns the room's closed transcript. */
async function playAndClose(url: string, bets: number): Promise<Transcript> {
  const player = await TestPlayer.join(url);
  for (let i = 0; i < bets; i++) {
    const { receipt, seed } = await player.bet({ stake: 2 * UNITS_PER_CHIP, target: 5000, direction: 'under' });
    await player.reveal(receipt.drawSeq, seed);
  }
  const roomId = player.room.roomId;
  await player.room.leave();
  return closedTranscript(url, roomId);
}

/** Re-hashes and re-links every record from `from` on, as a forger who rewrites a tail would. */
function rechain(records: (DrawRecord & { hash: string })[], from: number): (DrawRecord & { hash: string })[] {
  const out = records.map((r) => ({ ...r }));
  for (let i = from; i < out.length; i++) {
    if (i > 0) out[i] = { ...out[i]!, prev: out[i - 1]!.hash };
    const { hash: _h, ...bare } = out[i]!;
    out[i] = { ...out[i]!, hash: recordHash(bare as DrawRecord) };
  }
  return out;
}

describe('transcripts anchored on the fairness registry', () => {
  it('a closed room is anchored with its close, and every altered copy fails against the anchor', { timeout: timeoutWithStarts(1, 180_000) }, async () => {
    const url = server!.url;
    const f = await getJson<Fairness>(`${url}/fairness`);
    const closed = await playAndClose(url, 3);
    const lastSeq = closed.records.at(-1)!.seq;
    // The close is anchored within a few anchor periods.
    const t = await waitFor(
      async () => {
        const got = await getJson<AnchoredTranscript>(`${url}/rooms/${closed.roomId}/transcript`);
        return got.anchor?.leaf.lastSeq === lastSeq ? got : undefined;
      },
      { what: 'the close record to be anchored' },
    );
    const registry = await ChainRegistry.connect(f.chain.rpcUrl, f.chain.registry);
    try {
      const entries = await registry.entries(['dice']);
      const onChain = await registry.anchorAt(t.anchor!.index);
      const check = (copy: unknown) => verifyTranscript(copy, f, { registry: entries, anchor: onChain });
      const honest = check(t);
      expect(honest.problems).toEqual([]);
      expect(honest.records.flatMap((r) => r.problems)).toEqual([]);
      expect(honest.anchor).toMatchObject({ anchored: true, index: t.anchor!.index, lastSeq, problems: [] });
      expect(honest.ok).toBe(true);
      console.log(`room ${t.roomId}: ${t.records.length} records anchored at block ${onChain.blockNumber} (anchor ${onChain.index}, ${onChain.leafCount} rooms)`);

      // The close dropped: the records chain and verify, but the anchored head is missing.
      const truncated = check({ ...t, records: t.records.slice(0, -1) });
      expect(truncated.ok).toBe(false);
      expect(truncated.anchor?.anchored).toBe(false);
      // A record rewritten and the chain re-linked after it: the anchored head hash differs.
      const outcomeAt = t.records.findIndex((r) => r.type === 'outcome');
      const rewritten = [...t.records];
      const outcome = rewritten[outcomeAt] as Extract<DrawRecord, { type: 'outcome' }> & { hash: string };
      rewritten[outcomeAt] = { ...outcome, result: { ...outcome.result, roll: (Number(outcome.result['roll']) + 1) % 10_000 } };
      const forged = check({ ...t, records: rechain(rewritten, outcomeAt) });
      expect(forged.ok).toBe(false);
      expect(forged.anchor?.anchored).toBe(false);
      // A fork: another room's history under this room's anchor fails too.
      const other = await playAndClose(url, 1);
      const fork = check({ ...other, roomId: t.roomId, anchor: t.anchor });
      expect(fork.ok).toBe(false);
    } finally {
      registry.destroy();
    }
  });

  it('a rules change binds only after the registry delay: verifiers refuse draws under it before', { timeout: timeoutWithStarts(1, 180_000) }, async () => {
    const before = await getJson<Fairness>(`${server!.url}/fairness`);
    await server!.stop();
    // The operator raises the house edge; the server registers the new dice rules, delayed a day.
    server = await startServerProcess({ dataDir, env: { ...env, HOUSE_EDGE_BPS: '200' } });
    expect(server.logs.join('')).toMatch(/a registered fairness change is not in force yet/);
    const f = await getJson<Fairness>(`${server.url}/fairness`);
    expect(f.rules['dice']).not.toEqual(before.rules['dice']);
    const t = await playAndClose(server.url, 1);
    const registry = await ChainRegistry.connect(f.chain.rpcUrl, f.chain.registry);
    try {
      const entries = await registry.entries(['dice']);
      expect(entries.rules['dice']).toHaveLength(2);
      const report = verifyTranscript(t, f, { registry: entries });
      const problems = report.records.flatMap((r) => r.problems);
      expect(report.ok).toBe(false);
      expect(problems.some((p) => /not in force|registered to apply/.test(p))).toBe(true);
      // Without the registry, the transcript checks out against what /fairness says: only the chain tells.
      expect(verifyTranscript(t, f).ok).toBe(true);
    } finally {
      registry.destroy();
    }
  });
});
