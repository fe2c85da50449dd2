/**
 * Gas of checking an ECVRF-SECP256K1-SHA256-TAI proof on chain (VrfSecp256k1 behind its test
 * harness, on the embedded node), next to a plain ERC-1155 mint in the same run: GameAssets
 * `mintAwards` of one award, to a player who holds the token and to a new holder.
 *
 * For each of ~50 random proofs (alpha 0..200 bytes) three figures of `fastVerify`:
 * - tx: eth_estimateGas of a call to the harness, everything a transaction pays: the 21,000
 *   base, the calldata (pk, proof, alpha, 416 bytes of witnesses, ABI heads), ABI decoding and
 *   the check;
 * - sent: the gasUsed of the same call sent as a transaction (estimateGas may ask a little more:
 *   the 63/64 rule on the precompile calls);
 * - intrinsic: the 21,000 base plus that calldata (16 gas a nonzero byte, 4 a zero byte);
 * - library: gasleft() around the library call inside the harness (the check alone, its
 *   arguments already in memory), what a contract that calls it pays on top of its own work.
 * Then the price of a proven award: `mintWithProof` of raid loot items (~12 random item draws,
 * each to a new holder) next to `mintAwards` of one award of the same token on the same
 * contract, to a new holder and to a holder. Every mint is the gasUsed of its transaction
 * (21,000 and calldata included).
 * @module
 */
import { randomBytes } from 'node:crypto';
import { JsonRpcProvider, Wallet, type JsonRpcSigner } from 'ethers';
import { startAnvil } from '../../server/chain/anvil.ts';
import { getSuite } from '../../vrf/index.ts';
import { fastVerifyWitnesses } from '../../vrf/secp256k1-witnesses.ts';
import { deployProvenLootAssets, drawArg, itemDraw, mintWithProof, randomHex } from '../helpers/proven-loot.ts';
import { seededRandom } from '../helpers/seed.ts';
import { deployHarness, witnessArg } from '../helpers/vrf-secp256k1-harness.ts';
import type { Target } from './vrf.bench.ts';

const PROOFS = 51; // alpha of 0, 4, ..., 200 bytes
const TARGET_GAS = 60_000;
const suite = getSuite('ECVRF-SECP256K1-SHA256-TAI');

interface Stats {
  median: number;
  min: number;
  max: number;
}

function stats(values: readonly number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)]!, min: sorted[0]!, max: sorted[sorted.length - 1]! };
}

/** 21,000 plus the calldata price of `data` (EIP-2028). */
function intrinsicGas(data: string): number {
  let gas = 21_000;
  for (let i = 2; i < data.length; i += 2) gas += data.slice(i, i + 2) === '00' ? 4 : 16;
  return gas;
}

function secretKey(): Uint8Array {
  for (;;) {
    const sk = randomBytes(32);
    const x = BigInt('0x' + sk.toString('hex'));
    if (x > 0n && x < 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n) return new Uint8Array(sk);
  }
}

const PROVEN_MINTS = 12;

/**
 * gasUsed of `mintWithProof` over random raid item draws, each to its own new opener, and of
 * `mintAwards` of one award of the same tokens on the same contract: to new holders, then to
 * each of them again (a holder).
 */
async function mintGas(admin: JsonRpcSigner, minter: JsonRpcSigner): Promise<{ proven: number[]; newHolder: number[]; holder: number[] }> {
  const r = seededRandom('bench vrf-chain mints');
  const on = await deployProvenLootAssets(admin, minter, r.fork('deployment'));
  const gasOf = async (tx: Promise<{ wait(): Promise<{ gasUsed: bigint }> }>) => Number((await (await tx).wait()).gasUsed);
  const plain = (to: string, tokenId: number) => on.asMinter.getFunction('mintAwards')([to], [tokenId], [1n], ['0x' + randomHex(r, 32)]);
  const proven: number[] = [];
  const newHolder: number[] = [];
  const holder: number[] = [];
  for (let i = 0; i < PROVEN_MINTS; i++) {
    const p = itemDraw(r.fork(`draw ${i}`), on);
    proven.push(await gasOf(mintWithProof(on, drawArg(p.d, on), p.pi, p.witnesses, p.tokenId)));
    const to = Wallet.createRandom().address;
    newHolder.push(await gasOf(plain(to, p.tokenId)));
    holder.push(await gasOf(plain(to, p.tokenId)));
  }
  return { proven, newHolder, holder };
}

export async function benchVrfChain(): Promise<{ table: string; targets: Target[] }> {
  const node = await startAnvil();
  const provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true, cacheTimeout: -1 });
  try {
    const [admin, minter] = [await provider.getSigner(0), await provider.getSigner(1)];
    const harness = await deployHarness(admin);
    const address = await harness.getAddress();
    const tx: number[] = [];
    const sent: number[] = [];
    const intrinsic: number[] = [];
    const library: number[] = [];
    const ctrs: number[] = [];
    for (let i = 0; i < PROOFS; i++) {
      const sk = secretKey();
      const alpha = new Uint8Array(randomBytes(i * 4));
      const pk = suite.publicKey(sk);
      const pi = suite.prove(sk, alpha);
      const w = fastVerifyWitnesses(pk, pi, alpha);
      ctrs.push(w.ctr);
      const data = harness.interface.encodeFunctionData('fastVerify', [pk, pi, alpha, witnessArg(w)]);
      const [ok, used] = (await harness.getFunction('fastVerifyGas')(pk, pi, alpha, witnessArg(w))) as [boolean, bigint];
      if (!ok) throw new Error(`fastVerify refused a valid proof (alpha of ${alpha.length} bytes)`);
      tx.push(Number(await provider.estimateGas({ to: address, data })));
      sent.push(Number((await (await admin.sendTransaction({ to: address, data })).wait())!.gasUsed));
      intrinsic.push(intrinsicGas(data));
      library.push(Number(used));
    }
    const sk = secretKey();
    const alpha = new Uint8Array(randomBytes(100));
    const full = [suite.publicKey(sk), suite.prove(sk, alpha), alpha] as const;
    if (!(await harness.getFunction('verify')(...full))) throw new Error('verify refused a valid proof');
    const verifyTx = Number(await provider.estimateGas({ to: address, data: harness.interface.encodeFunctionData('verify', [...full]) }));
    const mints = await mintGas(admin, minter);
    const mint = { holder: stats(mints.holder).median, newHolder: stats(mints.newHolder).median };

    const fast = stats(tx);
    const n = (v: number) => v.toFixed(0).padStart(9);
    const ratio = (v: number) => `${(v / mint.holder).toFixed(2).padStart(6)}x  ${(v / mint.newHolder).toFixed(2).padStart(6)}x`;
    const row = (name: string, s: Stats) => `${name.padEnd(44)} ${n(s.median)} ${n(s.min)} ${n(s.max)}   ${ratio(s.median)}`;
    const ctrCounts = [0, 1, 2, 3, 4].map((c) => `${c}: ${ctrs.filter((x) => x === c).length}`).join(', ') + `, 5+: ${ctrs.filter((x) => x >= 5).length}`;
    const lines = [
      `${PROOFS} random proofs, alpha 0..200 bytes; try-and-increment ctr ${ctrCounts}`,
      `${'gas'.padEnd(44)} ${'median'.padStart(9)} ${'min'.padStart(9)} ${'max'.padStart(9)}   ${'/ mint to holder, new holder'}`,
      row('fastVerify, tx (eth_estimateGas: all in)', fast),
      row('fastVerify, gasUsed of the call sent as a tx', stats(sent)),
      row('  of which intrinsic (21,000 + calldata)', stats(intrinsic)),
      row('  of which execution (gasUsed - intrinsic)', stats(sent.map((t, i) => t - intrinsic[i]!))),
      row('fastVerify, library call alone (gasleft)', stats(library)),
      row('verify (full, alpha 100 bytes), tx', { median: verifyTx, min: verifyTx, max: verifyTx }),
      row('mintAwards, one award, to a holder', stats(mints.holder)),
      row('mintAwards, one award, to a new holder', stats(mints.newHolder)),
      row(`mintWithProof, one raid item, to a new holder`, stats(mints.proven)),
      `(${PROVEN_MINTS} item draws; mintWithProof minus mintAwards to a new holder, medians: ${stats(mints.proven).median - mint.newHolder} gas)`,
      `target: fastVerify tx median <= ${TARGET_GAS} gas (21,000 base and calldata included)`,
    ];
    const r = fast.median / TARGET_GAS;
    return { table: lines.join('\n'), targets: [{ name: 'fastVerify tx gas median / 60k (at most)', ratio: r, target: 1, met: r <= 1 }] };
  } finally {
    provider.destroy();
    await node.stop();
  }
}
