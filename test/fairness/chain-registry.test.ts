/**
 * The registry reader's answers and errors, over real HTTP against a small JSON-RPC endpoint made
 * here that answers the registry's views with ABI-encoded values (the reader against a real
 * anvil with the deployed FairnessRegistry belongs with the contract's own tests): the entries
 * and an anchor as verifiers use them, and a clear error when the RPC is down, is not JSON-RPC,
 * has no contract at the address, or has something else there.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Interface } from 'ethers';
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import { main } from '../../vrf/cli.ts';
import { ChainRegistry, ChainRegistryError, REGISTRY_VIEWS } from '../../vrf/protocol/chain-registry.ts';
import type { ReceiptRecord } from '../../vrf/protocol/records.ts';
import { buildWorkedExample, inputs } from './worked-example.ts';

const REGISTRY = '0x' + '5'.repeat(40);
const abi = new Interface(REGISTRY_VIEWS);
const rulesHash = 'ab'.repeat(32);
const root = '0x' + 'cd'.repeat(32);

/** What the fake chain answers to eth_call of each view, by function name. */
const ANSWERS: Record<string, (args: readonly unknown[]) => unknown[]> = {
  changeDelay: () => [86_400],
  vrfKeyEntries: () => [['0x0d919fdcbe9bb1e8'], [1_795_000_000]],
  signerEntries: () => [['0x2c7536E3605D9C16a7a3D7b1898e529396a65c23', '0x' + '1'.repeat(40)], [1_795_000_000, 1_795_100_000]],
  rulesEntries: ([game]) => (game === 'dice' ? [['0x' + rulesHash], [1_795_000_000]] : [[], []]),
  anchorCount: () => [3],
  anchorAt: ([index]) => [root, 1_795_353_660, 120 + Number(index), 17],
  vrfKey: () => ['ECVRF-EDWARDS25519-SHA512-TAI', '0x' + 'ee'.repeat(32), 1_795_000_000],
};

let servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  servers = [];
});

/** A JSON-RPC endpoint: `code` at REGISTRY, and `call` for eth_call. */
async function fakeChain(opts: { code?: string; call?: (data: string) => string; status?: number; answers?: typeof ANSWERS } = {}): Promise<string> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (opts.status) return void res.writeHead(opts.status).end('not here');
      const request = JSON.parse(body) as { id: number; method: string; params: unknown[] };
      const answer = (result: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id: request.id, result }));
      if (request.method === 'eth_chainId') return answer('0x7a69');
      if (request.method === 'eth_getCode') return answer((request.params[0] as string).toLowerCase() === REGISTRY ? (opts.code ?? '0x6080') : '0x');
      if (request.method === 'eth_call') {
        const data = (request.params[0] as { data: string }).data;
        if (opts.call) return answer(opts.call(data));
        const parsed = abi.parseTransaction({ data })!;
        return answer(abi.encodeFunctionResult(parsed.fragment, (opts.answers ?? ANSWERS)[parsed.name]!(parsed.args)));
      }
      res.writeHead(200).end(JSON.stringify({ jsonrpc: '2.0', id: request.id, error: { code: -32601, message: 'method not found' } }));
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('ChainRegistry', () => {
  it('reads every slot in one call each, as registry-check takes them, and an anchor', async () => {
    const registry = await ChainRegistry.connect(await fakeChain(), REGISTRY);
    try {
      expect(registry.chainId).toBe(31337n);
      expect(await registry.entries(['dice', 'raid'])).toEqual({
        changeDelay: 86_400,
        vrfKeys: [{ value: '0d919fdcbe9bb1e8', activeFrom: 1_795_000_000 }],
        signers: [
          { value: '0x2c7536e3605d9c16a7a3d7b1898e529396a65c23', activeFrom: 1_795_000_000 },
          { value: '0x' + '1'.repeat(40), activeFrom: 1_795_100_000 },
        ],
        rules: { dice: [{ value: rulesHash, activeFrom: 1_795_000_000 }], raid: [] },
        vrfPublicKeys: { '0d919fdcbe9bb1e8': { suite: 'ECVRF-EDWARDS25519-SHA512-TAI', publicKey: 'ee'.repeat(32) } },
      });
      expect(await registry.anchorCount()).toBe(3);
      expect(await registry.anchorAt(2)).toEqual({ index: 2, root, timestamp: 1_795_353_660, blockNumber: 122, leafCount: 17 });
    } finally {
      registry.destroy();
    }
  });

  it('says so when the RPC is down, is not JSON-RPC, or there is no contract or no registry at the address', async () => {
    const down = await fakeChain();
    await new Promise((r) => servers.pop()!.close(r)); // the port was just in use: nothing listens on it now
    await expect(ChainRegistry.connect(down, REGISTRY)).rejects.toThrow(new RegExp(`^cannot reach the chain's RPC at ${down}: ECONNREFUSED`));
    await expect(ChainRegistry.connect(await fakeChain({ status: 404 }), REGISTRY)).rejects.toThrow(/does not answer as an Ethereum JSON-RPC endpoint \(eth_chainId: HTTP 404\)/);
    const empty = await fakeChain();
    await expect(ChainRegistry.connect(empty, '0x' + '6'.repeat(40))).rejects.toThrow(`no contract at 0x${'6'.repeat(40)} on chain 31337 (${empty}): check the registry address and the chain`);
    await expect(ChainRegistry.connect(empty, 'nope')).rejects.toThrow(ChainRegistryError);
    const other = await ChainRegistry.connect(await fakeChain({ call: () => '0x' }), REGISTRY);
    try {
      await expect(other.entries(['dice'])).rejects.toThrow(/does not answer entries as a FairnessRegistry/);
    } finally {
      other.destroy();
    }
  });
});

describe('vrf/cli.ts verify-transcript --rpc --registry', () => {
  it('checks every receipt against the entries in force and the anchor against the chain; exit 1 on any problem', async () => {
    const example = await buildWorkedExample();
    const t = example.dice;
    const receipt = t.records[0] as ReceiptRecord;
    const head = t.records.at(-1)!;
    const tree = StandardMerkleTree.of([[t.roomId, head.seq, '0x' + head.hash], ['other-room', 4, '0x' + '12'.repeat(32)]], ['string', 'uint64', 'bytes32']);
    const anchor = { index: 0, root: tree.root, leaf: { roomId: t.roomId, lastSeq: head.seq, headHash: head.hash }, proof: tree.getProof(0), blockNumber: 9, txHash: '0x' + '00'.repeat(32) };
    const since = inputs.now / 1000 - 86_400;
    const answers = (rulesFrom: number): typeof ANSWERS => ({
      ...ANSWERS,
      vrfKeyEntries: () => [['0x' + example.keyId], [since]],
      signerEntries: () => [[example.keys.receiptSigner], [since]],
      rulesEntries: ([game]) => (game === 'dice' ? [['0x' + receipt.rulesHash], [rulesFrom]] : [[], []]),
      anchorAt: () => [tree.root, inputs.now / 1000 + 60, 57, 2],
      vrfKey: () => [example.keys.suite, '0x' + example.keys.publicKey.replace(/^0x/, ''), since],
    });
    const dir = mkdtempSync(join(tmpdir(), 'cli-chain-'));
    const cli = async (transcript: unknown, rpc: string) => {
      const file = join(dir, 'transcript.json');
      writeFileSync(file, JSON.stringify(transcript));
      const lines: string[] = [];
      const code = await main(['verify-transcript', file, '--pk', example.keys.publicKey, '--signer', example.keys.receiptSigner, '--rpc', rpc, '--registry', REGISTRY], (l) => lines.push(l));
      return { code, lines };
    };
    const honest = await fakeChain({ answers: answers(since) });
    const good = await cli({ ...t, anchor }, honest);
    expect(good.code).toBe(0);
    expect(good.lines).toContain(`anchored at block 57 (anchor 0 of 3), records 0 to ${head.seq}`);
    expect(good.lines).toContain('warning: newer anchors not checked: give --server URL (the server whose /anchors serves their leaves)');
    const unanchored = await cli({ ...t, anchor: null }, honest);
    expect(unanchored).toMatchObject({ code: 0 });
    expect(unanchored.lines).toContain('not anchored');
    const truncated = await cli({ ...t, records: t.records.slice(0, -1), anchor }, honest);
    expect(truncated.code).toBe(1);
    expect(truncated.lines).toContain(`anchor 0 of 3: truncated: record ${head.seq} was anchored (anchor 0) and the transcript has ${head.seq} records`);
    // The dice rules registered, but applying only a second after the receipt's issue: the delay had not run.
    const early = await cli({ ...t, anchor }, await fakeChain({ answers: answers(inputs.now / 1000 + 1) }));
    expect(early.code).toBe(1);
    expect(early.lines.join('\n')).toMatch(/record 0 receipt draw 0: rules .* of dice are not in force on chain at .*: registered to apply from/);
    const down = await fakeChain();
    await new Promise((r) => servers.pop()!.close(r));
    const unreachable = await cli(t, down);
    expect(unreachable.code).toBe(1);
    expect(unreachable.lines[0]).toMatch(/^chain: cannot reach the chain's RPC at/);
  });
});
