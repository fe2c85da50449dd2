/**
 * Hostile: the embedded chain's faucet (`POST /chain/fund`). A signed-in address is paid exactly
 * FAUCET_WEI once, however many requests it sends, one after another or all at once; a request
 * without a valid sign-in token is refused and pays nothing; a server on a chain it does not run
 * has no faucet (404). An honest player bets throughout.
 */
import { JsonRpcProvider, Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeHonest, HonestBettor } from '../helpers/honest-bettor.ts';
import { startExternalChain, type ExternalChain } from '../helpers/external-chain.ts';
import { getJson, signInToken } from '../helpers/player.ts';
import { startServerProcess, timeoutWithStarts, type ServerProcess } from '../helpers/server-process.ts';

const FAUCET_WEI = 12_345_678_900_000n;

let server: ServerProcess;
let bettor: HonestBettor;
let chain: JsonRpcProvider;

beforeAll(async () => {
  server = await startServerProcess({ env: { FAUCET_WEI: String(FAUCET_WEI) } });
  bettor = await HonestBettor.start(server.url);
  const { chain: info } = await getJson<{ chain: { rpcUrl: string } }>(`${server.url}/fairness`);
  chain = new JsonRpcProvider(info.rpcUrl, undefined, { staticNetwork: true, batchMaxCount: 1 });
});

afterAll(async () => {
  chain?.destroy();
  await bettor?.stop().catch(() => undefined);
  await server?.stop();
});

async function fund(url: string, token?: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${url}/chain/fund`, { method: 'POST', headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('the faucet', () => {
  it('pays a signed-in address FAUCET_WEI once, and refuses it a second time', async () => {
    const player = Wallet.createRandom();
    const first = await fund(server.url, await signInToken(server.url, player));
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body['amountWei']).toBe(String(FAUCET_WEI));
    expect(await chain.getBalance(player.address)).toBe(FAUCET_WEI);

    const second = await fund(server.url, await signInToken(server.url, player));
    expect(second.status).toBe(429);
    expect(String(second.body['error'])).toMatch(/once a day/);
    expect(Number(second.body['retryAfterSeconds'])).toBeGreaterThan(0);
    expect(await chain.getBalance(player.address)).toBe(FAUCET_WEI);
  });

  it('pays once for 8 concurrent requests of one address', async () => {
    const player = Wallet.createRandom();
    const tokens = await Promise.all(Array.from({ length: 8 }, () => signInToken(server.url, player)));
    const answers = await Promise.all(tokens.map((t) => fund(server.url, t)));
    console.log(`concurrent faucet requests answered: ${answers.map((a) => a.status).join(', ')}`);
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(7);
    expect(await chain.getBalance(player.address)).toBe(FAUCET_WEI);
  });

  it('refuses a request without a valid sign-in, and pays nothing', async () => {
    const player = Wallet.createRandom();
    const none = await fund(server.url);
    expect(none.status).toBe(401);
    // A token signed by another key than the address it names.
    const token = await signInToken(server.url, player);
    const { message } = JSON.parse(Buffer.from(token, 'base64url').toString()) as { message: string };
    const forged = Buffer.from(JSON.stringify({ message, signature: await Wallet.createRandom().signMessage(message) })).toString('base64url');
    const wrongSigner = await fund(server.url, forged);
    expect(wrongSigner.status).toBe(401);
    // A token already spent on the first request.
    const spent = await signInToken(server.url, player);
    expect((await fund(server.url, spent)).status).toBe(200);
    const replay = await fund(server.url, spent);
    expect(replay.status).toBe(401);
    expect(String(replay.body['error'])).toMatch(/nonce/);
    expect(await chain.getBalance(player.address)).toBe(FAUCET_WEI);
    expect(await chain.getBalance(Wallet.createRandom().address)).toBe(0n);
  });

  it('the honest player was served throughout', async () => {
    const report = await bettor.stop();
    console.log(describeHonest('honest bettor during the faucet attacks', report));
    expect(report.errors).toEqual([]);
    expect(report.bets).toBeGreaterThan(0);
  });
});

describe('a server on a chain it does not run', () => {
  let external: ExternalChain;
  let outside: ServerProcess;
  beforeAll(async () => {
    external = await startExternalChain();
    outside = await startServerProcess({ env: external.env });
  }, timeoutWithStarts(1, 60_000));
  afterAll(async () => {
    await outside?.stop();
    await external?.stop();
  });

  it('has no faucet (404), signed in or not', async () => {
    const player = Wallet.createRandom();
    const answer = await fund(outside.url, await signInToken(outside.url, player));
    expect(answer.status).toBe(404);
    expect(String(answer.body['error'])).toMatch(/bring your own ether/);
    expect(await external.provider.getBalance(player.address)).toBe(0n);
  });
});
