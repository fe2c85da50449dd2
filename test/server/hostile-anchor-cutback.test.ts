/**
 * An operator cuts a room's transcript back to an earlier anchored head and serves it with the
 * earlier anchor that committed that head: the proof checks against the registry, only a newer
 * anchor tells. On a real server process with its embedded chain (anchors every second) and an
 * honest bettor throughout: a room is anchored partway, played on and closed, and its close
 * anchored; the cut-back copy is refused by the CLI (`--server`, reading the live `/anchors`)
 * and by the vrf module fed the same, as superseded by the anchor of the later head; the honest
 * transcript passes both. `GET /anchors/:index` and `GET /anchors?from=&limit=` answer 304 to their ETags.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNITS_PER_CHIP } from '../../games/chips.ts';
import { main } from '../../vrf/cli.ts';
import { ChainRegistry } from '../../vrf/protocol/chain-registry.ts';
import { scanNewerAnchors, servedAnchorsOf } from '../../vrf/protocol/newer-anchors-scan.ts';
import { newerAnchorsProblems, newerAnchorsWarnings } from '../../vrf/protocol/newer-anchors.ts';
import type { Transcript } from '../../vrf/protocol/transcript.ts';
import { describeHonest, HonestBettor } from '../helpers/honest-bettor.ts';
import { getJson, TestPlayer, type FairnessParams } from '../helpers/player.ts';
import { startServerProcess, tempDataDir, timeoutWithStarts, type ServerProcess } from '../helpers/server-process.ts';
import { waitFor } from '../helpers/wait-for.ts';

type Fairness = FairnessParams & { chain: { rpcUrl: string; registry: string } };
type Anchored = Transcript & { anchor: { index: number; blockNumber: number; leaf: { lastSeq: number } } | null };

let server: ServerProcess | undefined;

beforeAll(async () => {
  server = await startServerProcess({ dataDir: tempDataDir(), env: { ANCHOR_PERIOD_MS: '1000' } });
});
afterAll(async () => {
  await server?.stop();
});

/** The room's transcript once an anchor the chain confirmed holds its head `lastSeq` (its last record, unless given). */
async function anchoredAt(url: string, roomId: string, closed: boolean): Promise<Anchored> {
  return waitFor(
    async () => {
      const t = await getJson<Anchored>(`${url}/rooms/${roomId}/transcript`);
      const last = t.records.at(-1);
      if (closed && last?.type !== 'close') return undefined;
      return t.anchor && t.anchor.leaf.lastSeq === t.records.length - 1 ? t : undefined;
    },
    { what: `room ${roomId}'s head to be anchored`, timeout: 120_000, interval: 250 },
  );
}

describe('a transcript cut back to an earlier anchored head', () => {
  it('is refused as superseded by the newer anchor of its room, read from the live /anchors; the honest one passes', { timeout: timeoutWithStarts(1, 240_000) }, async () => {
    const url = server!.url;
    const bettor = await HonestBettor.start(url);
    const f = await getJson<Fairness>(`${url}/fairness`);
    const player = await TestPlayer.join(url, { create: true });
    const bet = async () => {
      const { receipt, seed } = await player.bet({ stake: 2 * UNITS_PER_CHIP, target: 5000, direction: 'under' });
      await player.reveal(receipt.drawSeq, seed);
    };
    await bet();
    await bet();
    const roomId = player.room.roomId;
    const early = await anchoredAt(url, roomId, false);
    await bet();
    await player.room.leave();
    const honest = await anchoredAt(url, roomId, true);
    expect(honest.anchor!.index).toBeGreaterThan(early.anchor!.index);
    // The cut: the room's records up to the earlier head, served with the earlier anchor.
    const cut: Anchored = { ...honest, records: honest.records.slice(0, early.anchor!.leaf.lastSeq + 1), anchor: early.anchor };
    const cutTo = early.anchor!.leaf.lastSeq;
    console.log(`room ${roomId}: cut to record ${cutTo} (anchor ${early.anchor!.index}); its close is record ${honest.records.length - 1} (anchor ${honest.anchor!.index})`);

    // The vrf module, fed by the live server's /anchors and the registry.
    const registry = await ChainRegistry.connect(f.chain.rpcUrl, f.chain.registry);
    try {
      const sources = { anchorCount: () => registry.anchorCount(), anchorAt: (i: number) => registry.anchorAt(i), served: servedAnchorsOf(url) };
      // The honest bettor's room moves on: let a few more anchors (of its heads) follow the close, for the scan to read.
      await waitFor(async () => (await registry.anchorCount()) >= honest.anchor!.index + 6 || undefined, { what: 'five anchors after the close', timeout: 120_000, interval: 250 });
      const started = performance.now();
      const refused = await scanNewerAnchors(roomId, cut.records, cut.anchor!.index, sources);
      const ms = performance.now() - started;
      expect(newerAnchorsWarnings(refused)).toEqual([]);
      expect(newerAnchorsProblems(refused)).toContain(
        `superseded: anchor ${honest.anchor!.index} commits this room at record ${honest.records.length - 1}, and the transcript ends at record ${cutTo}`,
      );
      console.log(`newer anchors ${refused.from} to ${refused.to - 1} read in ${ms.toFixed(0)} ms (${refused.to - refused.from} anchors; measured, not asserted)`);
      const passed = await scanNewerAnchors(roomId, honest.records, honest.anchor!.index, sources);
      expect(newerAnchorsProblems(passed)).toEqual([]);
      expect(newerAnchorsWarnings(passed)).toEqual([]);
    } finally {
      registry.destroy();
    }

    // The CLI with --server: exit 1 on the cut, 0 on the honest transcript.
    const dir = mkdtempSync(join(tmpdir(), 'cutback-'));
    const cli = async (name: string, transcript: unknown) => {
      const file = join(dir, `${name}.json`);
      writeFileSync(file, JSON.stringify(transcript));
      writeFileSync(join(dir, 'fairness.json'), JSON.stringify(f));
      const lines: string[] = [];
      const args = ['verify-transcript', file, '--pk', f.publicKey, '--signer', f.receiptSigner, '--rules', join(dir, 'fairness.json'), '--rpc', f.chain.rpcUrl, '--registry', f.chain.registry, '--server', url];
      const code = await main(args, (l) => lines.push(l));
      return { code, lines };
    };
    const refusedByCli = await cli('cut', cut);
    expect(refusedByCli.lines).toContainEqual(expect.stringMatching(new RegExp(`^anchored at block \\d+ \\(anchor ${early.anchor!.index} of \\d+\\), records 0 to ${cutTo}$`)));
    expect(refusedByCli.lines).toContain(`newer anchors: superseded: anchor ${honest.anchor!.index} commits this room at record ${honest.records.length - 1}, and the transcript ends at record ${cutTo}`);
    expect(refusedByCli.lines.at(-1)).toBe('FAILED');
    expect(refusedByCli.code).toBe(1);
    const passedByCli = await cli('honest', honest);
    expect(passedByCli.lines.at(-1)).toMatch(/^verified: \d+ records, room closed$/);
    expect(passedByCli.code).toBe(0);

    // An anchor's ETag revalidates it without its leaves.
    const first = await fetch(`${url}/anchors/${honest.anchor!.index}`);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"0x[0-9a-f]{64}\.\d+\.0x[0-9a-f]{64}"$/);
    expect((await fetch(`${url}/anchors/${honest.anchor!.index}`, { headers: { 'If-None-Match': etag } })).status).toBe(304);
    // A range of anchors whole in one answer, as the verifier reads them, revalidated the same way.
    const range = await fetch(`${url}/anchors?from=${early.anchor!.index}&limit=3`);
    const body = (await range.json()) as { anchors: { index: number; leaves: { roomId: string; lastSeq: number }[] }[]; next: number | null };
    expect(body.anchors.map((a) => a.index)).toEqual([0, 1, 2].map((i) => early.anchor!.index + i));
    expect(body.anchors[0]!.leaves).toContainEqual(expect.objectContaining({ roomId, lastSeq: cutTo }));
    expect(body.next).toBe(early.anchor!.index + 3);
    expect((await fetch(`${url}/anchors?from=${early.anchor!.index}&limit=3`, { headers: { 'If-None-Match': range.headers.get('etag')! } })).status).toBe(304);
    expect((await fetch(`${url}/anchors?from=-1`)).status).toBe(400);
    expect(await (await fetch(`${url}/anchors?from=999999`)).json()).toEqual({ anchors: [], next: null });

    const report = await bettor.stop();
    console.log(describeHonest('cut-back transcripts', report));
    expect(report.errors).toEqual([]);
    expect(report.bets).toBeGreaterThan(0);
  });
});
