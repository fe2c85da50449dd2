import { Contract, hexlify, randomBytes, type JsonRpcSigner, type TransactionReceipt } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executionGas, mined, revertOf, startFairnessChain, type FairnessChain } from '../helpers/fairness-contracts.ts';

const DELAY = 86_400;
const SUITE = 'ECVRF-EDWARDS25519-SHA512-TAI';
const hash = () => hexlify(randomBytes(32));

let chain: FairnessChain;
let admin: JsonRpcSigner;
let anchorer: JsonRpcSigner;
let stranger: JsonRpcSigner;
let registry: Contract;
const addr = async (s: JsonRpcSigner) => s.getAddress();
/** The timestamp of the block that mined a transaction. */
const minedAt = async (tx: Promise<unknown>) => (await chain.provider.getBlock((await mined(tx)).blockNumber))!.timestamp;

beforeAll(async () => {
  chain = await startFairnessChain();
  [admin, anchorer, stranger] = chain.signers as [JsonRpcSigner, JsonRpcSigner, JsonRpcSigner];
  registry = await chain.deploy('FairnessRegistry', admin, await addr(admin), DELAY);
});

afterAll(async () => {
  await chain?.close();
});

describe('FairnessRegistry on a real node (anvil)', () => {
  it('puts a slot\'s first signer in force at once and a later one only after the delay', async () => {
    const [a, b] = [await addr(chain.signers[3]!), await addr(chain.signers[4]!)];
    expect(await registry.getFunction('changeDelay')()).toBe(BigInt(DELAY));
    const t1 = await minedAt(registry.getFunction('registerSigner')(a));
    expect(await registry.getFunction('signerAt')(t1 - 1)).toBe('0x' + '00'.repeat(20));
    expect(await registry.getFunction('signerAt')(t1)).toBe(a);
    expect(await revertOf(registry.getFunction('registerSigner')(a))).toBe('AlreadyRegistered');

    const t2 = await minedAt(registry.getFunction('registerSigner')(b));
    expect(await registry.getFunction('signerAt')(t2)).toBe(a);
    expect(await registry.getFunction('signerAt')(t2 + DELAY - 1)).toBe(a);
    expect(await registry.getFunction('signerAt')(t2 + DELAY)).toBe(b);
    expect(await registry.getFunction('signerEntries')()).toEqual([[a, b], [BigInt(t1), BigInt(t2 + DELAY)]]);

    await chain.advance(DELAY + 1);
    expect(await registry.getFunction('signerAt')(await chain.now())).toBe(b);
    expect(await registry.getFunction('signerAt')(t1)).toBe(a); // the past stays as it was
    // Back to an earlier signer is a change like any other (only repeating the last is refused).
    const t3 = await minedAt(registry.getFunction('registerSigner')(a));
    expect(await registry.getFunction('signerAt')(t3 + DELAY)).toBe(a);
    expect((await registry.getFunction('signerEntries')())[0]).toEqual([a, b, a]);
  });

  it('keeps one rules slot per game, each with its own first entry and delays', async () => {
    const [h1, h2, r1] = [hash(), hash(), hash()];
    const t1 = await minedAt(registry.getFunction('registerRules')('dice', h1));
    expect(await revertOf(registry.getFunction('registerRules')('dice', h1))).toBe('AlreadyRegistered');
    const tr = await minedAt(registry.getFunction('registerRules')('raid', r1)); // a new game's first entry: at once
    expect(await registry.getFunction('rulesAt')('raid', tr)).toBe(r1);
    const t2 = await minedAt(registry.getFunction('registerRules')('dice', h2));
    expect(await registry.getFunction('rulesAt')('dice', t1 - 1)).toBe('0x' + '00'.repeat(32));
    expect(await registry.getFunction('rulesAt')('dice', t2)).toBe(h1);
    expect(await registry.getFunction('rulesAt')('dice', t2 + DELAY)).toBe(h2);
    expect(await registry.getFunction('rulesAt')('blackjack', t2)).toBe('0x' + '00'.repeat(32));
    expect(await registry.getFunction('rulesEntries')('dice')).toEqual([[h1, h2], [BigInt(t1), BigInt(t2 + DELAY)]]);
    expect(await registry.getFunction('rulesEntries')('nothing')).toEqual([[], []]);
    expect(await revertOf(registry.getFunction('registerRules')('dice', '0x' + '00'.repeat(32)))).toBe('EmptyValue');
  });

  it('registers each VRF key id once, the first at once and later ones after the delay', async () => {
    const [k1, k2] = ['0x0d919fdcbe9bb1e8', '0x1122334455667788'];
    const [pk1, pk2] = [hash(), hash()];
    const receipt = await mined(registry.getFunction('registerVrfKey')(k1, SUITE, pk1));
    const t1 = (await chain.provider.getBlock(receipt.blockNumber))!.timestamp;
    const event = receipt.logs.map((l) => registry.interface.parseLog(l)).find((e) => e?.name === 'VrfKeyRegistered')!;
    expect([event.args[0], event.args[1], event.args[2], event.args[3]]).toEqual([k1, SUITE, pk1, BigInt(t1)]);
    expect(await registry.getFunction('vrfKey')(k1)).toEqual([SUITE, pk1, BigInt(t1)]);
    expect(await revertOf(registry.getFunction('registerVrfKey')(k1, SUITE, pk2))).toBe('AlreadyRegistered');
    const t2 = await minedAt(registry.getFunction('registerVrfKey')(k2, SUITE, pk2));
    expect(await registry.getFunction('vrfKeyAt')(t2 + DELAY - 1)).toBe(k1);
    expect(await registry.getFunction('vrfKeyAt')(t2 + DELAY)).toBe(k2);
    expect(await registry.getFunction('vrfKeyAt')(t1 - 1)).toBe('0x0000000000000000');
    expect(await registry.getFunction('vrfKeyEntries')()).toEqual([[k1, k2], [BigInt(t1), BigInt(t2 + DELAY)]]);
    expect(await revertOf(registry.getFunction('registerVrfKey')(k1, SUITE, pk1))).toBe('AlreadyRegistered');
  });

  it('lets only the admin register and only the anchor role anchor', async () => {
    const asStranger = registry.connect(stranger) as Contract;
    expect(await revertOf(asStranger.getFunction('registerSigner')(await addr(stranger)))).toBe('AccessControlUnauthorizedAccount');
    expect(await revertOf(asStranger.getFunction('registerRules')('dice', hash()))).toBe('AccessControlUnauthorizedAccount');
    expect(await revertOf(asStranger.getFunction('registerVrfKey')('0x0102030405060708', SUITE, hash()))).toBe('AccessControlUnauthorizedAccount');
    expect(await revertOf(registry.getFunction('anchor')(0, hash(), 1))).toBe('AccessControlUnauthorizedAccount'); // the admin is no anchorer
    expect(await revertOf(asStranger.getFunction('anchor')(0, hash(), 1))).toBe('AccessControlUnauthorizedAccount');
  });

  it('takes anchors in order only, records them, and costs the same for 1 leaf and 1,000,000', async () => {
    await mined(registry.getFunction('grantRole')(await registry.getFunction('ANCHOR_ROLE')(), await addr(anchorer)));
    const asAnchorer = registry.connect(anchorer) as Contract;
    expect(await revertOf(asAnchorer.getFunction('anchor')(1, hash(), 1))).toBe('AnchorOutOfOrder');
    const roots = [hash(), hash(), hash()];
    const counts = [1, 1, 1_000_000];
    const sent: { data: string; receipt: TransactionReceipt }[] = [];
    for (const [i, root] of roots.entries()) {
      const tx = await asAnchorer.getFunction('anchor')(i, root, counts[i]);
      sent.push({ data: tx.data as string, receipt: (await tx.wait())! });
    }
    expect(await revertOf(asAnchorer.getFunction('anchor')(1, hash(), 1))).toBe('AnchorOutOfOrder');
    expect(await registry.getFunction('anchorCount')()).toBe(3n);
    const last = sent[2]!.receipt;
    const block = (await chain.provider.getBlock(last.blockNumber))!;
    expect(await registry.getFunction('anchorAt')(2)).toEqual([roots[2], BigInt(block.timestamp), BigInt(last.blockNumber), 1_000_000n]);
    expect(await registry.getFunction('anchorAt')(9)).toEqual(['0x' + '00'.repeat(32), 0n, 0n, 0n]);
    const event = last.logs.map((l) => registry.interface.parseLog(l)).find((e) => e?.name === 'Anchored')!;
    expect(last.logs[0]!.topics[1]).toBe('0x' + '00'.repeat(31) + '02'); // the index, as the sender's id
    expect([event.args[1], event.args[2]]).toEqual([roots[2], 1_000_000n]);
    // Anchors 1 and 2 are both appended to a non-empty list; only their calldata bytes differ.
    const [one, million] = [sent[1]!, sent[2]!].map((s) => executionGas(s.receipt, s.data));
    expect(million).toBe(one);
    console.log(`anchor gas: first ${sent[0]!.receipt.gasUsed}, then ${sent[1]!.receipt.gasUsed} (leafCount 1) and ${sent[2]!.receipt.gasUsed} (leafCount 1,000,000); execution alone ${one} for both`);
  });
});
