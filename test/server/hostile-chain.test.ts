/**
 * Hostile: the embedded chain takes transactions from the server alone. Another process, using
 * the chain URL /fairness publishes, tries to mint as the minter and to use the node's cheat
 * methods; every try is refused, the target holds nothing, and the node itself has no TCP port
 * anyone outside its namespace can reach. An honest player bets throughout.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hexlify, Interface, randomBytes, Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readArtifact } from '../../server/chain/artifact.ts';
import { LOOPBACK_WARNING, namespaceAvailable } from '../../server/chain/node-isolation.ts';
import { CALL_GAS_CAP, MAX_LOG_BLOCKS } from '../../server/chain/rpc-params.ts';
import { describeHonest, HonestBettor } from '../helpers/honest-bettor.ts';
import { getJson } from '../helpers/player.ts';
import { startServerProcess, timeoutWithStarts, type ServerProcess } from '../helpers/server-process.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

let server: ServerProcess;
let bettor: HonestBettor;

beforeAll(async () => {
  server = await startServerProcess();
  bettor = await HonestBettor.start(server.url);
});

afterAll(async () => {
  await bettor?.stop().catch(() => undefined);
  await server?.stop();
});

type Answer = { id?: unknown; result?: unknown; error?: { code: number; message: string } };

/**
 * The attacker: a process of its own, with nothing but the published URL, the addresses and the
 * mint call's bytes. It prints what each try got back.
 */
const ATTACKER = `
const { Wallet, Contract, JsonRpcProvider } = await import('ethers');
const { RPC_URL, MINTER, TARGET, GAME_ASSETS, MINT_DATA } = process.env;
const rpc = async (body, contentType = 'application/json') => {
  const r = await fetch(RPC_URL, { method: 'POST', headers: { 'content-type': contentType }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: r.status, body: await r.json() };
};
const call = (method, params = []) => rpc({ jsonrpc: '2.0', id: 1, method, params });
const out = {};
out.forgedMint = await call('eth_sendTransaction', [{ from: MINTER, to: GAME_ASSETS, data: MINT_DATA }]);
out.impersonate = await call('anvil_impersonateAccount', [MINTER]);
out.setBalance = await call('anvil_setBalance', [TARGET, '0x3635c9adc5dea00000']);
out.snapshot = await call('evm_snapshot');
out.revert = await call('evm_revert', ['0x1']);
out.mine = await call('anvil_mine', []);
out.setCode = await call('anvil_setCode', [GAME_ASSETS, '0x00']);
out.hardhat = await call('hardhat_impersonateAccount', [MINTER]);
out.personal = await call('personal_sendTransaction', [{ from: MINTER, to: GAME_ASSETS, data: MINT_DATA }, '']);
out.sign = await call('eth_sign', [MINTER, '0x00']);
out.batch = await rpc([{ jsonrpc: '2.0', id: 1, method: 'eth_blockNumber' }, { jsonrpc: '2.0', id: 2, method: 'anvil_impersonateAccount', params: [MINTER] }]);
out.bigBatch = await rpc(Array.from({ length: 21 }, (_, i) => ({ jsonrpc: '2.0', id: i, method: 'eth_chainId' })));
out.notJson = await rpc('{"jsonrpc":', 'application/json');
// What a web page can send without a CORS preflight.
out.plainText = await rpc(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId' }), 'text/plain');
// A raw transaction signed by a key of its own, with no funds: passed on, refused by the node.
const gasPrice = BigInt((await call('eth_gasPrice')).body.result) * 2n;
const raw = await Wallet.createRandom().signTransaction({ type: 0, to: TARGET, value: 1n, gasLimit: 21000n, gasPrice, nonce: 0, chainId: 31337n });
out.rawTransaction = await call('eth_sendRawTransaction', [raw]);
// Reads work, through ethers as a page would use them.
const provider = new JsonRpcProvider(RPC_URL, undefined, { staticNetwork: true });
const assets = new Contract(GAME_ASSETS, ['function balanceOf(address, uint256) view returns (uint256)'], provider);
out.balanceOf = String(await assets.balanceOf(TARGET, 1));
provider.destroy();
console.log(JSON.stringify(out));
`;

async function attack(env: Record<string, string>): Promise<Record<string, { status: number; body: Answer | Answer[] } | string>> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', ATTACKER], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`the attacking process failed (${code}): ${err}`);
  return JSON.parse(out) as Record<string, { status: number; body: Answer | Answer[] }>;
}

describe('the embedded chain, attacked from another process through the published URL', () => {
  it('refuses a forged mint and every cheat method, passes on a raw transaction and reads', { timeout: 60_000 }, async () => {
    const fairness = await getJson<{ chain: { rpcUrl: string; gameAssets: string; chainId: string } }>(`${server.url}/fairness`);
    expect(fairness.chain.rpcUrl).toBe(`${server.url}/chain`);
    const minter = new Wallet(readFileSync(join(server.dataDir, 'keys', 'minter.key'), 'utf8').trim().replace(/^(0x)?/, '0x')).address;
    const target = Wallet.createRandom().address;
    const mintData = new Interface(readArtifact().abi as never).encodeFunctionData('mintAwards', [[target], [1], [1000], [hexlify(randomBytes(32))]]);

    const out = await attack({ RPC_URL: fairness.chain.rpcUrl, MINTER: minter, TARGET: target, GAME_ASSETS: fairness.chain.gameAssets, MINT_DATA: mintData });
    const refusals: [string, string][] = [
      ['forgedMint', 'eth_sendTransaction'],
      ['impersonate', 'anvil_impersonateAccount'],
      ['setBalance', 'anvil_setBalance'],
      ['snapshot', 'evm_snapshot'],
      ['revert', 'evm_revert'],
      ['mine', 'anvil_mine'],
      ['setCode', 'anvil_setCode'],
      ['hardhat', 'hardhat_impersonateAccount'],
      ['personal', 'personal_sendTransaction'],
      ['sign', 'eth_sign'],
    ];
    for (const [name, method] of refusals) {
      const { body } = out[name] as { body: Answer };
      expect(body, name).not.toHaveProperty('result');
      expect(body.error?.message, name).toContain(`method ${method} is not served here`);
    }
    // A batch: each element judged on its own.
    const batch = (out['batch'] as { body: Answer[] }).body;
    expect(batch[0]!.result).toMatch(/^0x[0-9a-f]+$/);
    expect(batch[1]!.error?.message).toContain('method anvil_impersonateAccount is not served here');
    expect(out['bigBatch']).toMatchObject({ status: 400, body: { error: { message: 'a batch holds at most 20 requests' } } });
    expect(out['notJson']).toMatchObject({ status: 400, body: { error: { code: -32700 } } });
    expect(out['plainText']).toMatchObject({ status: 415, body: { error: { code: -32700 } } });
    // Forwarded, and refused by the node itself: the key has no funds.
    expect((out['rawTransaction'] as { body: Answer }).body.error?.message).toMatch(/insufficient funds/i);
    expect(out['balanceOf']).toBe('0');
    console.log(`hostile chain: ${refusals.length} cheat and unlocked-account methods refused; raw transaction: ${(out['rawTransaction'] as { body: Answer }).body.error?.message}`);

    const awards = await getJson<{ awards: unknown[]; balances: Record<string, string> }>(`${server.url}/players/${target}/awards`);
    expect(awards.awards).toEqual([]);
    expect(Object.values(awards.balances).every((b) => b === '0')).toBe(true);
  });

  it('runs the node with no TCP port reachable from outside it, and its IPC socket in the 0700 chain directory', () => {
    const chainDir = join(server.dataDir, 'chain');
    const guard = readFileSync(join(chainDir, 'anvil-state.json.pid'), 'utf8').trim();
    const anvil = execFileSync('pgrep', ['-P', guard]).toString().trim().split('\n')[0]!;
    const args = readFileSync(`/proc/${anvil}/cmdline`, 'utf8').split('\0');
    expect(args).toContain('--no-cors');
    expect(args[args.indexOf('--ipc') + 1]).toBe(join(chainDir, 'anvil.ipc'));
    expect(statSync(chainDir).mode & 0o777).toBe(0o700);
    expect(statSync(join(chainDir, 'anvil.ipc')).isSocket()).toBe(true);
    if (!namespaceAvailable()) {
      // Without namespaces the fallback is loopback, and the server must say so.
      expect(server.logs.join('')).toContain(LOOPBACK_WARNING.slice(0, 60));
      return;
    }
    expect(readlinkSync(`/proc/${anvil}/ns/net`)).not.toBe(readlinkSync('/proc/self/ns/net'));
    // The node's sockets, by inode; the TCP sockets listening where this process (and every other outside) lives.
    const sockets = new Set(
      readdirSync(`/proc/${anvil}/fd`)
        .map((fd) => {
          try {
            return /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${anvil}/fd/${fd}`))?.[1];
          } catch {
            return undefined;
          }
        })
        .filter((inode): inode is string => inode !== undefined),
    );
    const listening = (table: string) =>
      readFileSync(table, 'utf8')
        .split('\n')
        .slice(1)
        .map((line) => line.trim().split(/\s+/))
        .filter((f) => f[3] === '0A') // LISTEN
        .map((f) => f[9]!);
    const inside = [...listening(`/proc/${anvil}/net/tcp`), ...listening(`/proc/${anvil}/net/tcp6`)].filter((i) => sockets.has(i));
    const outside = [...listening('/proc/self/net/tcp'), ...listening('/proc/self/net/tcp6')].filter((i) => sockets.has(i));
    expect(inside.length, 'anvil listens on HTTP inside its namespace (else this check proves nothing)').toBeGreaterThan(0);
    expect(outside).toEqual([]);
    console.log(`hostile chain: anvil (pid ${anvil}) listens on ${inside.length} TCP socket(s), all inside its own network namespace`);
  });

  it('refuses state overrides, gas above the cap and a log range past the bound before the node sees them, and keeps answering', { timeout: 60_000 }, async () => {
    const fairness = await getJson<{ chain: { rpcUrl: string; gameAssets: string } }>(`${server.url}/fairness`);
    const post = async (body: unknown) =>
      (await (await fetch(fairness.chain.rpcUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json()) as Answer & Answer[];
    const loop = '0x1111111111111111111111111111111111111111';
    // The endless loop by state override, with a huge gas: the attack that kept anvil busy.
    const endless = { jsonrpc: '2.0', id: 1, method: 'eth_call', params: [{ to: loop, gas: '0xffffffffffff' }, 'latest', { [loop]: { code: '0x5b600056' } }] };
    const refused = await post(endless);
    expect(refused.error).toMatchObject({ code: -32602, message: expect.stringContaining('state and block overrides') });
    const batch = await post(Array.from({ length: 4 }, (_, i) => ({ ...endless, id: i, method: i % 2 ? 'eth_estimateGas' : 'eth_call' })));
    expect(batch.map((a) => a.error?.code)).toEqual([-32602, -32602, -32602, -32602]);
    const bigGas = await post({ jsonrpc: '2.0', id: 2, method: 'eth_call', params: [{ to: fairness.chain.gameAssets, gas: '0xffffffffffff' }, 'latest'] });
    expect(bigGas.error).toMatchObject({ code: -32602, message: expect.stringContaining(`gas at most ${CALL_GAS_CAP}`) });
    const wideLogs = await post({ jsonrpc: '2.0', id: 3, method: 'eth_getLogs', params: [{ fromBlock: '0x0', toBlock: `0x${(MAX_LOG_BLOCKS + 1).toString(16)}` }] });
    expect(wideLogs.error).toMatchObject({ code: -32602, message: expect.stringContaining(`at most ${MAX_LOG_BLOCKS}`) });
    const hashAndRange = await post({ jsonrpc: '2.0', id: 4, method: 'eth_getLogs', params: [{ blockHash: `0x${'ab'.repeat(32)}`, fromBlock: '0x0' }] });
    expect(hashAndRange.error).toMatchObject({ code: -32602, message: expect.stringContaining('blockHash excludes') });
    // The node answers at once after all that: nothing reached it.
    expect((await post({ jsonrpc: '2.0', id: 5, method: 'eth_blockNumber' })).result).toMatch(/^0x[0-9a-f]+$/);
    // Honest requests still pass: logs of the whole (young) chain, and a read the page makes, with what it costs.
    expect(Array.isArray((await post({ jsonrpc: '2.0', id: 6, method: 'eth_getLogs', params: [{ fromBlock: 'earliest', address: fairness.chain.gameAssets }] })).result)).toBe(true);
    const balanceOf = new Interface(readArtifact().abi as never).encodeFunctionData('balanceOf', [loop, 1]);
    const read = { to: fairness.chain.gameAssets, data: balanceOf };
    expect((await post({ jsonrpc: '2.0', id: 7, method: 'eth_call', params: [read, 'latest'] })).result).toBe(`0x${'0'.repeat(64)}`);
    const gas = await post({ jsonrpc: '2.0', id: 8, method: 'eth_estimateGas', params: [read] });
    expect(BigInt(gas.result as string)).toBeLessThan(BigInt(CALL_GAS_CAP));
    console.log(`hostile chain: state overrides, gas above ${CALL_GAS_CAP} and log ranges above ${MAX_LOG_BLOCKS} blocks refused; a GameAssets balanceOf costs ${BigInt(gas.result as string)} gas`);
  });

  it('gives a foreign Origin no Access-Control-Allow-Origin: not on /chain, /auth/nonce, nor a preflight to /matchmake', async () => {
    const evil = 'https://evil.example';
    const chainRpc = await fetch(`${server.url}/chain`, {
      method: 'POST',
      headers: { origin: evil, 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId' }),
    });
    const nonce = await fetch(`${server.url}/auth/nonce`, { headers: { origin: evil } });
    const preflight = await fetch(`${server.url}/matchmake/joinOrCreate/dice`, {
      method: 'OPTIONS',
      headers: { origin: evil, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    const join = await fetch(`${server.url}/matchmake/joinOrCreate/dice`, { method: 'POST', headers: { origin: evil, 'content-type': 'application/json' }, body: '{}' });
    for (const [name, response] of Object.entries({ chainRpc, nonce, preflight, join })) {
      expect(response.headers.get('access-control-allow-origin'), name).toBeNull();
      expect(response.headers.get('access-control-allow-credentials'), name).toBeNull();
    }
    expect(chainRpc.status).toBe(200); // answered, but a browser keeps the answer from the foreign page
    // The server's own origin (PUBLIC_URL's) is named back, with no credentials.
    const own = await fetch(`${server.url}/auth/nonce`, { headers: { origin: new URL(server.url).origin } });
    expect(own.headers.get('access-control-allow-origin')).toBe(new URL(server.url).origin);
    console.log(`hostile chain: a foreign Origin got no CORS headers (preflight answered ${preflight.status}, join ${join.status})`);
  });

  it('served the honest player throughout', async () => {
    const report = await bettor.stop();
    console.log(describeHonest('hostile chain', report));
    expect(report.errors).toEqual([]);
    expect(report.bets).toBeGreaterThan(0);
  });
});

describe('the embedded chain where network namespaces are not allowed', () => {
  it('falls back to loopback, says so loudly, and still refuses cheat methods at its endpoint', { timeout: timeoutWithStarts(1, 30_000) }, async () => {
    const fallback = await startServerProcess({ env: { UNSHARE_PATH: '/nonexistent/unshare' } });
    try {
      expect(fallback.logs.join('')).toContain(LOOPBACK_WARNING.slice(0, 60));
      const guard = readFileSync(join(fallback.dataDir, 'chain', 'anvil-state.json.pid'), 'utf8').trim();
      const anvil = execFileSync('pgrep', ['-P', guard]).toString().trim().split('\n')[0]!;
      expect(readlinkSync(`/proc/${anvil}/ns/net`)).toBe(readlinkSync('/proc/self/ns/net'));
      const rpcUrl = (await getJson<{ chain: { rpcUrl: string } }>(`${fallback.url}/fairness`)).chain.rpcUrl;
      const ask = async (method: string) =>
        (await (await fetch(rpcUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params: [] }) })).json()) as Answer;
      expect((await ask('eth_chainId')).result).toBe('0x7a69');
      expect((await ask('evm_snapshot')).error?.message).toContain('method evm_snapshot is not served here');
    } finally {
      await fallback.stop();
    }
  });
});
