import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Contract, JsonRpcProvider, Wallet } from 'ethers';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { awardId, JournalAwardSink, type Award } from '../../server/awards/award-sink.ts';
import { MintLog } from '../../server/awards/mint-log.ts';
import { AwardMinter } from '../../server/awards/minter.ts';
import { startAnvil, type AnvilNode } from '../../server/chain/anvil.ts';
import { ensureGameAssets } from '../../server/chain/deployment.ts';
import { sha256, bytesToHex, utf8ToBytes } from '../../vrf/protocol/encoding.ts';

const EPOCH = 86_400;
const nodes: AnvilNode[] = [];
const minters: AwardMinter[] = [];
afterEach(async () => {
  await Promise.all(minters.splice(0).map((m) => m.stop()));
  await Promise.all(nodes.splice(0).map((n) => n.stop()));
});

const PLAYERS = Array.from({ length: 5 }, (_, i) => new Wallet(bytesToHex(sha256(utf8ToBytes(`player ${i}`)))).address);

function makeAwards(from: number, count: number, players = PLAYERS): Award[] {
  return Array.from({ length: count }, (_, k) => {
    const i = from + k;
    const source = { roomId: 'minter-test', drawSeq: i, recordSeq: i + 1, recordHash: bytesToHex(sha256(utf8ToBytes(String(i)))) };
    return { awardId: awardId(source, 0), player: players[i % players.length]!, tokenId: 1, amount: 1 + (i % 7), source };
  });
}

async function until(what: string, check: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function setup(playerEpochCap = 1_000_000n) {
  const dir = mkdtempSync(join(tmpdir(), 'minter-'));
  const node = await startAnvil();
  nodes.push(node);
  const provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true, cacheTimeout: -1 });
  const wallet = Wallet.createRandom().connect(provider);
  await provider.send('anvil_setBalance', [wallet.address, '0x3635c9adc5dea00000']);
  const { contract } = await ensureGameAssets(provider, await provider.getSigner(0), {
    recordFile: join(dir, 'deployment.json'),
    uri: 'https://fairplay.example/assets/{id}.json',
    epochSeconds: EPOCH,
    tokens: [{ id: 1, epochCap: 1_000_000_000n, playerEpochCap }],
    minter: wallet.address,
    vrfKey: { keyId: '0d919fdcbe9bb1e8', suite: 'ECVRF-EDWARDS25519-SHA512-TAI', publicKey: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a' },
  });
  const assets = contract.connect(wallet) as Contract;
  const outbox = await JournalAwardSink.open(join(dir, 'awards.jsonl'), [1]);
  const mintsFile = join(dir, 'mints.jsonl');
  const mints = await MintLog.open(mintsFile, await assets.getAddress());
  const minter = () => {
    const m = new AwardMinter({
      outbox,
      mints,
      contract: assets,
      wallet,
      provider,
      chainId: 31337n,
      batchSize: 100,
      confirmations: 1,
      receiptTimeoutMs: 5_000,
      log: pino({ level: 'silent' }),
    });
    minters.push(m);
    m.start();
    return m;
  };
  const balance = async (player: string) => (await assets.getFunction('balanceOf')(player, 1)) as bigint;
  const expected = (player: string) => [...outbox.all()].filter((a) => a.player === player).reduce((s, a) => s + BigInt(a.amount), 0n);
  return { provider, assets, outbox, mints, mintsFile, minter, balance, expected };
}

describe('the award minter on a real node', () => {
  it('mints every award once, in batches, and names each award\'s transaction', async () => {
    const t = await setup();
    const m = t.minter();
    for (let i = 0; i < 250; i += 50) await t.outbox.record(makeAwards(i, 50));
    await until('all minted', () => m.pendingCount === 0);
    const statuses = [...t.outbox.all()].map((a) => m.status(a.awardId));
    expect(statuses.every((s) => s.status === 'minted')).toBe(true);
    const txs = new Set(statuses.map((s) => (s.status === 'minted' ? s.txHash : '')));
    expect(txs.size).toBeGreaterThan(1);
    expect(txs.size).toBeLessThan(20);
    for (const p of PLAYERS) expect(await t.balance(p)).toBe(t.expected(p));
    const event = t.assets.interface.getEvent('AwardMinted')!;
    const logs = await t.provider.getLogs({ address: await t.assets.getAddress(), topics: [event.topicHash], fromBlock: 0 });
    expect(logs).toHaveLength(250);
    const receipt = await t.provider.getTransactionReceipt([...txs][0]!);
    expect(receipt?.status).toBe(1);
  });

  it('holds awards over the player cap until the next epoch, and says so', async () => {
    const t = await setup(20n);
    const m = t.minter();
    const player = PLAYERS[0]!;
    const awards = makeAwards(0, 5, [player]).map((a) => ({ ...a, amount: 7 }));
    await t.outbox.record(awards);
    await until('cap reached', () => m.pendingCount === 3 && awards.slice(2).every((a) => m.status(a.awardId).status === 'capped'));
    expect(await t.balance(player)).toBe(14n);
    const capped = m.status(awards[2]!.awardId);
    expect(capped.status === 'capped' && Date.parse(capped.until) > Date.now()).toBe(true);
    await t.provider.send('evm_increaseTime', [EPOCH]);
    await t.provider.send('evm_mine', []);
    await t.outbox.record(makeAwards(100, 1, [PLAYERS[1]!])); // wakes the minter
    await until('next epoch minted', () => m.pendingCount === 1);
    expect(await t.balance(player)).toBe(28n);
  });

  it('mints again what the node lost, and only that', async () => {
    const t = await setup();
    await t.outbox.record(makeAwards(0, 40));
    const m1 = t.minter();
    await until('first awards minted', () => m1.pendingCount === 0);
    const snapshot = await t.provider.send('evm_snapshot', []);
    await t.outbox.record(makeAwards(40, 30));
    await until('second awards minted', () => m1.pendingCount === 0);
    await m1.stop();
    // The node restarts from an older state: the second batch's blocks are gone.
    await t.provider.send('evm_revert', [snapshot]);
    expect(await t.balance(PLAYERS[0]!)).toBeLessThan(t.expected(PLAYERS[0]!));
    const m2 = t.minter();
    await t.outbox.record(makeAwards(70, 5));
    await until('reminted', () => m2.pendingCount === 0);
    for (const p of PLAYERS) expect(await t.balance(p)).toBe(t.expected(p));
    const voided = readFileSync(t.mintsFile, 'utf8').split('\n').filter((l) => l.includes('"voided"'));
    expect(voided.length).toBeGreaterThan(0);
    expect(voided.every((l) => l.includes('no longer on the chain'))).toBe(true);
  });

  it('after a crash with a transaction in doubt, sends the same bytes again (one transaction, never two)', async () => {
    const t = await setup();
    await t.provider.send('evm_setAutomine', [false]);
    const m1 = t.minter();
    await t.outbox.record(makeAwards(0, 20));
    await until('a transaction in flight', () => t.mints.unresolved().length === 1);
    const inDoubt = t.mints.unresolved()[0]!;
    await m1.stop();
    // The node forgets its pool (as a restarted node does) and mines again.
    await t.provider.send('anvil_dropAllTransactions', []);
    await t.provider.send('evm_setAutomine', [true]);
    const m2 = t.minter();
    await until('minted after restart', () => m2.pendingCount === 0);
    const hashes = new Set([...t.outbox.all()].map((a) => { const s = m2.status(a.awardId); return s.status === 'minted' ? s.txHash : 'not minted'; }));
    expect([...hashes]).toEqual([inDoubt.hash]);
    for (const p of PLAYERS) expect(await t.balance(p)).toBe(t.expected(p));
  });
});
