/**
 * Anchored transcripts on a real node and a real database (SQLite and PostgreSQL): rooms written
 * by the server's own RoomTranscript into the database, the anchor loop building one tree per
 * period over the rooms whose head moved (and only those), the fairness sender posting it exactly
 * once (also across a crash between journaling and broadcast), the root on chain equal to the
 * stored one, every proof folding, and the transcript route serving the room's proof.
 */
import type { AddressInfo } from 'node:net';
import express from 'express';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { SqlMintLog } from '../../server/awards/sql-mint-log.ts';
import { SqlRoomRecords } from '../../server/fairness/room-records.ts';
import { RoomStore } from '../../server/fairness/room-store.ts';
import { AnchorBuilder } from '../../server/fairness-chain/anchor-builder.ts';
import { serveAnchor } from '../../server/fairness-chain/anchor-route.ts';
import { AnchorReader } from '../../server/fairness-chain/anchor-reader.ts';
import { ANCHOR_ABI, ANCHORED_TOPIC, AnchorService } from '../../server/fairness-chain/anchor-service.ts';
import { anchorId, AnchorStore } from '../../server/fairness-chain/anchor-store.ts';
import { proves, type RoomHead } from '../../server/fairness-chain/anchor-tree.ts';
import { fairnessLogLabel, startFairnessChain } from '../../server/fairness-chain/fairness-chain.ts';
import { FairnessSender } from '../../server/fairness-chain/fairness-sender.ts';
import { provideServices, type GameServices } from '../../server/services.ts';
import { serveTranscript } from '../../server/transcript-route.ts';
import { diceDraw, openRoom } from '../fairness/room-fixture.ts';
import { startAnchorChain } from '../helpers/anchor-chain.ts';
import { BACKENDS, testDatabases } from '../helpers/databases.ts';
import { waitFor } from '../helpers/wait-for.ts';

const silent = pino({ level: 'silent' });
/** The period of the loop-driven test; the others call `tick()` themselves, one call a period. */
const SHORT_PERIOD_MS = 200;

describe.each(BACKENDS)('anchored transcripts (%s)', (backend) => {
  const dbs = testDatabases(backend);
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
    provideServices(undefined);
  });

  async function setup() {
    const chain = await startAnchorChain();
    cleanups.push(() => chain.close());
    const database = await dbs.open(await dbs.fresh());
    const records = new SqlRoomRecords(database);
    const log = new SqlMintLog(database, fairnessLogLabel(chain.registryAddress));
    const store = new AnchorStore(database);
    const reader = new AnchorReader(store, log);
    const sender = (onLost?: (ids: readonly string[]) => void): FairnessSender => {
      const s = new FairnessSender({
        ...(onLost ? { onLost } : {}),
        log,
        contract: chain.registry,
        topics: new Map([[chain.registryAddress, ANCHORED_TOPIC]]),
        wallet: chain.wallet,
        provider: chain.provider,
        chainId: 31337n,
        confirmations: 1,
        receiptTimeoutMs: 5_000,
        logger: silent,
      });
      cleanups.push(() => s.stop());
      s.start();
      return s;
    };
    const builder = new AnchorBuilder();
    cleanups.push(() => builder.close());
    const service = (s: FairnessSender) =>
      new AnchorService({ store, sender: s, registryAddress: chain.registryAddress, periodMs: 3_600_000, build: (heads) => builder.build(heads), log: silent });
    /** A room of the server's own RoomTranscript, its records in this database. */
    const room = async (roomId: string) => {
      const opened = await openRoom(roomId, { log: await records.start(roomId, 'local') });
      return { ...opened, close: async () => (await opened.room.finish(), await records.markClosed(roomId)) };
    };
    /** The room's head as stored: its last record's seq and hash. */
    const headOf = async (roomId: string): Promise<RoomHead> => {
      const count = await records.recordCount(roomId);
      const [last] = await records.storedRecords(roomId, count - 1, 1);
      return { roomId, lastSeq: last!.seq, headHash: last!.hash };
    };
    const confirmed = (index: number) =>
      waitFor(async () => (await reader.anchor(index))?.status === 'confirmed', { what: `anchor ${index} confirmed`, timeout: 30_000 });
    return { chain, database, records, log, store, reader, sender, service, room, headOf, confirmed };
  }

  it('one anchor per period over every changed room and only those; the root on chain is the stored one; every proof folds', { timeout: 120_000 }, async () => {
    const t = await setup();
    const anchors = t.service(t.sender());
    const [a, b, c] = await Promise.all(['room-a', 'room-b', 'room-c'].map((id) => t.room(id)));
    await diceDraw(a!.room);
    await diceDraw(b!.room);
    await diceDraw(b!.room);
    await diceDraw(c!.room);

    expect(await anchors.tick()).toBe(0);
    await t.confirmed(0);
    const first = (await t.reader.anchor(0))!;
    expect(first.leaves).toEqual([await t.headOf('room-a'), await t.headOf('room-b'), await t.headOf('room-c')]);
    const [root, , blockNumber, leafCount] = (await t.chain.registry.getFunction('anchorAt')(0)) as [string, bigint, bigint, bigint];
    expect(root).toBe(first.root);
    expect(Number(leafCount)).toBe(3);
    expect(first.blockNumber).toBe(Number(blockNumber));
    for (const id of ['room-a', 'room-b', 'room-c']) {
      const proof = (await t.reader.ofRoom(id))!;
      expect(proof.leaf).toEqual(await t.headOf(id));
      expect(proves(root, proof.leaf, proof.proof)).toBe(true);
    }

    // Nothing moved: no anchor.
    expect(await anchors.tick()).toBeUndefined();

    // Room a plays on, room c closes, room b rests: the next anchor holds a and c only.
    await diceDraw(a!.room);
    await c!.close();
    expect(await anchors.tick()).toBe(1);
    await t.confirmed(1);
    const second = (await t.reader.anchor(1))!;
    expect(second.leaves).toEqual([await t.headOf('room-a'), await t.headOf('room-c')]);
    const closedHead = (await t.records.filing('room-c'))!;
    expect(closedHead.status === 'closed' && second.leaves[1]!.lastSeq === closedHead.records - 1 && second.leaves[1]!.headHash === closedHead.head).toBe(true);
    // Room b's proof is still the first anchor's; a closed room is anchored once at its close, then never again.
    expect((await t.reader.ofRoom('room-b'))!.index).toBe(0);
    expect(await anchors.tick()).toBeUndefined();
    expect(await t.chain.registry.getFunction('anchorCount')()).toBe(2n);

    // A rewritten head, a truncated one and a forked one fail against the anchored root.
    const proofC = (await t.reader.ofRoom('room-c'))!;
    expect(proves(proofC.root, proofC.leaf, proofC.proof)).toBe(true);
    const [before] = await t.records.storedRecords('room-c', proofC.leaf.lastSeq - 1, 1);
    expect(proves(proofC.root, { roomId: 'room-c', lastSeq: before!.seq, headHash: before!.hash }, proofC.proof)).toBe(false);
    expect(proves(proofC.root, { ...proofC.leaf, headHash: 'ab'.repeat(32) }, proofC.proof)).toBe(false);
    expect(proves(proofC.root, { ...proofC.leaf, roomId: 'room-a' }, proofC.proof)).toBe(false);
  });

  it('a crash between journaling and broadcast: the same bytes are sent again after restart, and the anchor lands once', { timeout: 120_000 }, async () => {
    const t = await setup();
    const a = await t.room('crash-room');
    await diceDraw(a.room);
    // The node seals nothing: the journaled transaction stays in doubt when the first sender stops.
    await t.chain.provider.send('evm_setAutomine', [false]);
    const first = t.sender();
    expect(await t.service(first).tick()).toBe(0);
    await waitFor(async () => (await t.log.unresolved()).length === 1, { what: 'the anchor journaled and in flight', timeout: 30_000 });
    const inDoubt = (await t.log.unresolved())[0]!;
    await first.stop();
    // The node forgets its pool (as a restarted node does, or as if the broadcast never happened).
    await t.chain.provider.send('anvil_dropAllTransactions', []);
    await t.chain.provider.send('evm_setAutomine', [true]);

    const second = t.service(t.sender());
    expect(await second.tick()).toBeUndefined(); // no new room head: only the stored anchor is queued again
    await t.confirmed(0);
    expect((await t.reader.anchor(0))!.txHash).toBe(inDoubt.hash);
    const logs = await t.chain.provider.getLogs({ address: t.chain.registryAddress, topics: [ANCHORED_TOPIC], fromBlock: 0 });
    expect(logs.map((l) => l.transactionHash.toLowerCase())).toEqual([inDoubt.hash]);
    expect(await t.chain.registry.getFunction('anchorCount')()).toBe(1n);
    const sent = await t.database.db.selectFrom('mint_txs').select('hash').where('contract', '=', fairnessLogLabel(t.chain.registryAddress)).execute();
    expect(sent.map((r) => r.hash)).toEqual([inDoubt.hash]);
  });

  it('an anchor whose block the node lost is posted again under its index, once', { timeout: 120_000 }, async () => {
    const t = await setup();
    let anchors: AnchorService | undefined;
    const sender = t.sender((ids) => anchors?.lost(ids));
    anchors = t.service(sender);
    const a = await t.room('lost-room');
    await diceDraw(a.room);
    const before = (await t.chain.provider.send('evm_snapshot', [])) as string;
    expect(await anchors.tick()).toBe(0);
    await t.confirmed(0);
    const lostTx = (await t.reader.anchor(0))!.txHash;
    // The node goes back to before the anchor (as a node restarted from an older state does).
    await t.chain.provider.send('evm_revert', [before]);
    expect(await t.chain.registry.getFunction('anchorCount')()).toBe(0n);
    // A new head makes the sender look at the chain again: it voids the lost confirmation and the anchor goes out again.
    await diceDraw(a.room);
    expect(await anchors.tick()).toBe(1);
    await waitFor(async () => (await t.chain.registry.getFunction('anchorCount')()) === 2n, { what: 'both anchors on chain', timeout: 30_000 });
    await t.confirmed(0);
    await t.confirmed(1);
    const stored = await Promise.all([0, 1].map(async (i) => (await t.reader.anchor(i))!));
    for (const [i, anchor] of stored.entries()) expect((await t.chain.registry.getFunction('anchorAt')(i))[0]).toBe(anchor.root);
    // One Anchored event per index on the chain as it is now (the lost one sent again: the same
    // fields at the same nonce are the same signed bytes, so it may even be the same transaction).
    const logs = await t.chain.provider.getLogs({ address: t.chain.registryAddress, topics: [ANCHORED_TOPIC], fromBlock: 0 });
    expect(logs.map((l) => BigInt(l.topics[1]!))).toEqual([0n, 1n]);
    expect(logs[0]!.transactionHash.toLowerCase()).toBe((await t.reader.anchor(0))!.txHash);
    expect(lostTx).toMatch(/^0x[0-9a-f]{64}$/);
  });

  it('the gas of an anchor is the same with 1 and with 1,000 leaves (printed)', { timeout: 120_000 }, async () => {
    const t = await setup();
    const sender = t.sender();
    const heads = (n: number, tag: string): RoomHead[] =>
      Array.from({ length: n }, (_, i) => ({ roomId: `${tag}-${i}`, lastSeq: i, headHash: (i + 1).toString(16).padStart(64, '0') }));
    const builder = new AnchorBuilder();
    cleanups.push(() => builder.close());
    const built: { leaves: number; buildMs: number; root: string }[] = [];
    // The first anchor pays for the list's first slot: measure the two after it.
    for (const [i, n] of [1, 1, 1000].entries()) {
      const started = performance.now();
      const tree = await builder.build(heads(n, `gas${i}`));
      built.push({ leaves: n, buildMs: performance.now() - started, root: tree.root });
      sender.enqueue({ id: anchorId(i), to: t.chain.registryAddress, data: ANCHOR_ABI.encodeFunctionData('anchor', [i, tree.root, n]) });
    }
    await waitFor(async () => (await t.log.mintsOf([0, 1, 2].map(anchorId))).size === 3, { what: 'three anchors confirmed', timeout: 30_000 });
    const mints = await t.log.mintsOf([0, 1, 2].map(anchorId));
    const gas = await Promise.all([1, 2].map(async (i) => (await t.chain.provider.getTransactionReceipt(mints.get(anchorId(i))!.hash))!.gasUsed));
    console.log(`anchor gas (${backend}): 1 leaf ${gas[0]}, 1,000 leaves ${gas[1]} (tree and proofs of 1,000 leaves built in ${built[2]!.buildMs.toFixed(0)} ms on a worker thread)`);
    // Only calldata differs (the root's and the count's bytes, 4 or 16 gas each): no cost per leaf.
    expect(Math.abs(Number(gas[0]! - gas[1]!))).toBeLessThan(400);
    expect((await t.chain.registry.getFunction('anchorAt')(2))[0]).toBe(built[2]!.root);
  });

  it('run by startFairnessChain: anchors every period; the transcript and GET /anchors/:index serve them', { timeout: 120_000 }, async () => {
    const t = await setup();
    let leading = true;
    const fairness = startFairnessChain({
      leader: () => leading,
      database: t.database,
      registryAddress: t.chain.registryAddress,
      wallet: t.chain.wallet,
      provider: t.chain.provider,
      chainId: 31337n,
      confirmations: 1,
      receiptTimeoutMs: 5_000,
      anchorPeriodMs: SHORT_PERIOD_MS,
      log: silent,
    });
    cleanups.push(() => fairness.stop());
    const a = await t.room('served-room');
    await diceDraw(a.room);
    // The loop may anchor the receipt before the outcome: wait for the head as it is now.
    const anchoredHead = async () => (await fairness.anchors.ofRoom('served-room'))?.leaf.lastSeq === (await t.headOf('served-room')).lastSeq;
    await waitFor(anchoredHead, { what: 'the room anchored', timeout: 30_000 });

    const url = await serve(a.ctx, fairness.anchors, t.records);
    const live = (await (await fetch(`${url}/rooms/served-room/transcript`)).json()) as { anchor: { index: number; root: string; leaf: RoomHead; proof: string[]; blockNumber: number; txHash: string }; lastAnchorAt: number; records: unknown[] };
    expect(live.anchor.leaf).toEqual(await t.headOf('served-room'));
    expect(proves(live.anchor.root, live.anchor.leaf, live.anchor.proof)).toBe(true);
    expect(typeof live.lastAnchorAt).toBe('number');
    const byIndex = (await (await fetch(`${url}/anchors/${live.anchor.index}`)).json()) as { root: string; status: string; leaves: RoomHead[]; txHash: string };
    expect(byIndex).toMatchObject({ root: live.anchor.root, status: 'confirmed', txHash: live.anchor.txHash });
    expect((await fetch(`${url}/anchors/999`)).status).toBe(404);
    expect((await fetch(`${url}/anchors/x`)).status).toBe(400);

    // Closed: the ETag changes when the close is anchored, and only then is the body immutable.
    // This process stops leading meanwhile, so the close is not anchored before it is looked at.
    leading = false;
    await a.close();
    const before = await fetch(`${url}/rooms/served-room/transcript`);
    expect(before.headers.get('cache-control')).toBe('no-cache');
    await waitFor(() => fairness.running === undefined, { what: 'the anchorer stopped after leadership was lost', timeout: 30_000 });
    leading = true;
    await waitFor(anchoredHead, { what: 'the close anchored', timeout: 30_000 });
    const after = await fetch(`${url}/rooms/served-room/transcript`);
    expect(after.headers.get('etag')).not.toBe(before.headers.get('etag'));
    expect(after.headers.get('cache-control')).toContain('immutable');
    const body = (await after.json()) as { anchor: { leaf: RoomHead } };
    expect(body.anchor.leaf).toEqual(await t.headOf('served-room'));
  });

  /** The real transcript and anchor routes on an HTTP server of the test's own, over this database. */
  async function serve(ctx: Awaited<ReturnType<typeof openRoom>>['ctx'], anchors: AnchorReader, records: SqlRoomRecords): Promise<string> {
    provideServices({ rooms: new RoomStore(records, 'local', ctx), anchors, log: silent } as unknown as GameServices);
    const app = express();
    app.get('/rooms/:roomId/transcript', serveTranscript);
    app.get('/anchors/:index', serveAnchor);
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    cleanups.push(() => new Promise((resolve) => server.close(() => resolve())));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }
});
