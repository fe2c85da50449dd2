/**
 * The cluster's Redis-backed services against a real redis-server: node names, leases, shared
 * sign-in nonces and seats.
 */
import { createConnection, createServer, type AddressInfo, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterNode } from '../../server/cluster/cluster-node.ts';
import { RedisNonceStore } from '../../server/cluster/redis-nonces.ts';
import { NonceQuotaExceeded } from '../../server/auth/nonce-store.ts';
import { RedisSeatRegistry } from '../../server/cluster/redis-seats.ts';
import { startRedis, type TestRedis } from '../helpers/redis.ts';
import { elapse, waitFor } from '../helpers/wait-for.ts';

let redis: TestRedis;
const nodes: ClusterNode[] = [];
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await Promise.all(nodes.map((n) => n.leave()));
  await redis?.stop();
});

const lost: string[] = [];
async function join(id: string): Promise<ClusterNode> {
  const node = await ClusterNode.join(redis.url, id, (reason) => lost.push(reason));
  nodes.push(node);
  return node;
}
const seat = (address: string, game: string, roomId: string) => ({ address, game, stakesChips: game === 'dice', roomId, sessionId: `s-${roomId}` });
const ALICE = '0x' + 'a1'.repeat(20);

describe('cluster node', () => {
  it('refuses a second live process with the same NODE_ID, and sees which nodes are live', { timeout: 20_000 }, async () => {
    const a = await join('n1');
    await expect(ClusterNode.join(redis.url, 'n1', () => undefined)).rejects.toThrow(/another live process runs as NODE_ID n1/);
    expect(await a.isLive('n1')).toBe(true);
    expect(await a.isLive('n-never')).toBe(false);
    expect(await a.ping()).toBe(true);
    expect(lost).toEqual([]);
  });

  it('takes its liveness key back when Redis loses it (a restart), without declaring itself lost', { timeout: 30_000 }, async () => {
    const node = await join('r1');
    const before = lost.length;
    await node.redis.flushall();
    expect(await node.isLive('r1')).toBe(false);
    await waitFor(() => node.isLive('r1'), { what: 'the next heartbeat to put the liveness key back', timeout: 20_000 });
    expect(lost.slice(before)).toEqual([]);
  });

  it('a process cut off from Redis stops itself before its liveness could lapse', { timeout: 40_000 }, async () => {
    // A proxy that black-holes traffic while the connections stay up: a network partition.
    let partitioned = false;
    const sockets: Socket[] = [];
    const proxy = createServer((client) => {
      const upstream = createConnection({ host: '127.0.0.1', port: Number(new URL(redis.url).port) });
      sockets.push(client, upstream);
      client.on('data', (d) => partitioned || upstream.write(d));
      upstream.on('data', (d) => partitioned || client.write(d));
      for (const s of [client, upstream]) s.on('error', () => undefined);
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const fenced: number[] = [];
    const cut = await ClusterNode.join(`redis://127.0.0.1:${(proxy.address() as AddressInfo).port}`, 'p1', () => fenced.push(performance.now()));
    const survivor = await join('p2');
    try {
      partitioned = true;
      // Redis expires the key LIVENESS_MS (6 s) after the last renewal; the bound is only against a hang.
      const lapsedAt = await waitFor(async () => !(await survivor.isLive('p1')) && performance.now(), { what: "p1's liveness to lapse in Redis", timeout: 30_000, interval: 100 });
      // Survivors settle its rooms only LIVENESS_MS after they see it gone; it stopped before it was gone.
      expect(fenced).toHaveLength(1);
      expect(fenced[0]!).toBeLessThan(lapsedAt);
    } finally {
      cut.redis.disconnect();
      for (const s of sockets) s.destroy();
      proxy.close();
    }
  });

  it('gives a lease to one holder; another takes it once it lapses', async () => {
    const [a, b] = [await join('l1'), await join('l2')];
    const [la, lb] = [a.lease('work', 300), b.lease('work', 300)];
    expect(await la.acquire()).toBe(true);
    expect(await lb.acquire()).toBe(false);
    expect(await la.acquire()).toBe(true); // renewal by the holder
    expect([la.held, lb.held]).toEqual([true, false]);
    await elapse(400); // a holder that stops renewing: 400 ms pass, past the 300 ms lease (time itself is under test)
    expect(la.held).toBe(false);
    expect(await lb.acquire()).toBe(true);
    expect(await la.acquire()).toBe(false);
    await la.release(); // not its own any more: releases nothing
    expect(await lb.acquire()).toBe(true);
  });
});

describe('shared sign-in nonces', () => {
  const QUOTA = { perClient: 3, total: 5 };
  it('a nonce put by one process is taken once, by whichever process asks first; none after its TTL', async () => {
    const [a, b] = [await join('s1'), await join('s2')];
    const [na, nb] = [new RedisNonceStore(a.redis, QUOTA), new RedisNonceStore(b.redis, QUOTA)];
    await na.put('n0nce1', 1_000, 60_000, 'c1');
    const takes = await Promise.all([na.take('n0nce1'), nb.take('n0nce1'), nb.take('n0nce1')]);
    expect(takes.filter((t) => t === 1_000)).toHaveLength(1);
    expect(takes.filter((t) => t === undefined)).toHaveLength(2);
    await na.put('n0nce2', 1_000, 50, 'c1');
    await elapse(120); // past the 50 ms TTL (time itself is under test; polling would take the nonce)
    expect(await nb.take('n0nce2')).toBeUndefined();
  });

  it('one quota across processes: a full client is refused, evicting none; use and expiry free it; a full store refuses all', async () => {
    const [a, b] = [await join('q1'), await join('q2')];
    const [na, nb] = [new RedisNonceStore(a.redis, QUOTA), new RedisNonceStore(b.redis, QUOTA)];
    const ipv6 = '2001:db8:1:2::/64';
    await na.put('q1a', 1, 60_000, ipv6);
    await nb.put('q1b', 2, 60_000, ipv6);
    await na.put('q1c', 3, 60_000, ipv6);
    const refused = await nb.put('q1d', 4, 60_000, ipv6).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(NonceQuotaExceeded);
    expect((refused as NonceQuotaExceeded).scope).toBe('client');
    expect((refused as NonceQuotaExceeded).retryAfterMs).toBeGreaterThan(0);
    expect((refused as NonceQuotaExceeded).retryAfterMs).toBeLessThanOrEqual(60_000);
    // Nothing evicted; a use frees one place, taken through the other process.
    expect(await nb.take('q1a')).toBe(1);
    await nb.put('q1d', 4, 60_000, ipv6);
    await expect(na.put('q1e', 5, 60_000, ipv6)).rejects.toBeInstanceOf(NonceQuotaExceeded);
    // Two more from another client fill the store (5): a third client is refused for the store.
    await na.put('q2a', 6, 60_000, '192.0.2.2');
    await na.put('q2b', 7, 50, '192.0.2.2');
    await expect(nb.put('q3a', 8, 60_000, '192.0.2.3')).rejects.toMatchObject({ scope: 'store' });
    // Expiry frees a place, in the client's quota and the store's alike.
    await elapse(120); // past q2b's 50 ms TTL (time itself is under test)
    await nb.put('q3a', 8, 60_000, '192.0.2.3');
    for (const n of ['q1b', 'q1c', 'q1d', 'q2a', 'q3a']) expect(await na.take(n)).toBeGreaterThan(0);
    // All taken: the quota is empty again.
    for (const n of ['x1', 'x2', 'x3']) await nb.put(n, 9, 60_000, ipv6);
  });
});

describe('seats across processes', () => {
  it('caps one address across processes and keeps its dice seats on one process', async () => {
    const [a, b] = [await join('t1'), await join('t2')];
    const [sa, sb] = [new RedisSeatRegistry(a.redis, 't1', 3), new RedisSeatRegistry(b.redis, 't2', 3)];
    await sa.claim(seat(ALICE, 'dice', 'r1'));
    await sa.claim(seat(ALICE, 'dice', 'r1')); // the same seat again: no second one
    await expect(sb.claim(seat(ALICE, 'dice', 'r2'))).rejects.toMatchObject({ reason: 'chips-elsewhere' });
    await sb.claim(seat(ALICE, 'raid', 'r3'));
    await sa.claim(seat(ALICE, 'dice', 'r4'));
    await expect(sb.claim(seat(ALICE, 'raid', 'r5'))).rejects.toMatchObject({ reason: 'seat-cap' });
    await sa.release(seat(ALICE, 'dice', 'r4'));
    await sb.claim(seat(ALICE, 'raid', 'r5'));
    // Once a's dice seats are gone, b may seat Alice at dice.
    await sa.release(seat(ALICE, 'dice', 'r1'));
    await sb.release(seat(ALICE, 'raid', 'r5'));
    await sb.claim(seat(ALICE, 'dice', 'r6'));
    // Redis loses every key (a restart): the hosts put their seats back, and the rules hold again.
    await a.redis.flushall();
    await Promise.all([sa.renew(), sb.renew()]);
    await expect(sa.claim(seat(ALICE, 'dice', 'r8'))).rejects.toMatchObject({ reason: 'chips-elsewhere' });
    await Promise.all([sa.close(), sb.close()]);
    // close() gives up every seat the process held.
    const sc = new RedisSeatRegistry(a.redis, 't3', 1);
    await sc.claim(seat(ALICE, 'dice', 'r7'));
    await sc.close();
  });

  it("holds an address's chips for a cash-out: refused while it stakes chips on another process, and no other process seats it at a chips table meanwhile", async () => {
    const BOB = '0x' + 'b2'.repeat(20);
    const [a, b] = [await join('h1'), await join('h2')];
    const [sa, sb] = [new RedisSeatRegistry(a.redis, 'h1', 2), new RedisSeatRegistry(b.redis, 'h2', 2)];
    await sa.claim(seat(BOB, 'dice', 'q1'));
    await expect(sb.holdChips(BOB, 'cash-1')).rejects.toMatchObject({ reason: 'chips-elsewhere', message: expect.stringMatching(/leave the table, then cash out/) });
    // On the process that holds the chips: held (no cap: it is no table), and released after.
    const release = await sa.holdChips(BOB, 'cash-2');
    await release();
    await sa.release(seat(BOB, 'dice', 'q1'));
    // A held cash-out on b: a keeps Bob off its chips tables meanwhile; a free game is fine.
    const held = await sb.holdChips(BOB, 'cash-3');
    await expect(sa.claim(seat(BOB, 'dice', 'q2'))).rejects.toMatchObject({ reason: 'chips-elsewhere' });
    await sa.claim(seat(BOB, 'raid', 'q3'));
    await held();
    await sa.release(seat(BOB, 'raid', 'q3'));
    await sa.claim(seat(BOB, 'dice', 'q2'));
    await Promise.all([sa.close(), sb.close()]);
  });
});
