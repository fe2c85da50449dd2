/**
 * The checks on reveal courts (server/chain/court-checks.ts, court-retirement.ts) on a real
 * anvil with the real contracts: on another chain a court bound to another registry, GameAssets
 * or coin is refused and a short withdrawal delay is warned of; earlier courts are checked and listed (a
 * minting one still holding its minter role refused); on the embedded chain a recorded court bound
 * elsewhere is replaced, kept in the record, and its whole bond announced for withdrawal and taken
 * back once the delay has passed, and a kept court's delay shorter than the reveal window is warned of.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { ContractFactory } from 'ethers';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hexlify, randomBytes, type Contract, type JsonRpcSigner } from 'ethers';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureGameAssets } from '../../server/chain/deployment.ts';
import { ensureFairnessContracts, type FairnessPlan } from '../../server/chain/fairness-deployment.ts';
import { attachFairness, deployFairness } from '../../server/chain/fairness-setup.ts';
import { loadConfig } from '../../server/config.ts';
import { startFairnessChain, type FairnessChain } from '../helpers/fairness-contracts.ts';

const KEY = { keyId: '0d919fdcbe9bb1e8', suite: 'ECVRF-EDWARDS25519-SHA512-TAI', publicKey: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a' };
const BOND = 5_000n;
const WEEK = 7 * 86_400;
const hash = () => hexlify(randomBytes(32)).slice(2);

let chain: FairnessChain;
let admin: JsonRpcSigner;
let fairness: string;
let signer: string;

beforeAll(async () => {
  chain = await startFairnessChain();
  admin = chain.signers[0]!;
  [fairness, signer] = await Promise.all([chain.signers[1]!.getAddress(), chain.signers[2]!.getAddress()]);
});
afterAll(async () => {
  await chain?.close();
});

/** A GameAssets of its own (the admin its admin), coin 1 configured. */
async function newGameAssets(): Promise<Contract> {
  const tokens = [{ id: 1, epochCap: 10n ** 30n, playerEpochCap: 10n ** 30n }];
  const dir = mkdtempSync(join(tmpdir(), 'court-checks-'));
  return (await ensureGameAssets(chain.provider, admin, { recordFile: join(dir, 'deployment.json'), uri: 'https://fairplay.example/assets/{id}.json', epochSeconds: 86_400, tokens, minter: fairness, vrfKey: KEY })).contract;
}

const plan = async (gameAssets: Contract, recordFile = join(mkdtempSync(join(tmpdir(), 'court-checks-')), 'fairness.json')): Promise<FairnessPlan> => ({
  recordFile,
  changeDelaySeconds: 86_400,
  court: { answerWindowSeconds: 3_600, withdrawDelaySeconds: WEEK, coinTokenId: 1, bondCoins: BOND },
  gameAssets: await gameAssets.getAddress(),
  fairness,
  vrfKey: KEY,
  signer,
  rules: [{ game: 'dice', rulesHash: hash() }],
});

function capture() {
  const lines: { level: number; msg: string }[] = [];
  return { lines, log: pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as { level: number; msg: string }) }) };
}

describe('a court named on another chain', () => {
  it('is refused when bound to another registry, GameAssets or coin; a short withdrawal delay is warned of; earlier courts are checked and listed', async () => {
    const assets = await newGameAssets();
    const gameAssets = await assets.getAddress();
    const deployed = await ensureFairnessContracts(chain.provider, admin, await plan(assets));
    const registry = await deployed.registry.getAddress();
    const keys = { fairnessAddress: fairness, vrfKey: KEY, signer, rules: [] };
    const checks = { gameAssets, revealWindowSeconds: 86_400 };
    const adminAddress = await admin.getAddress();
    const court = async (...args: unknown[]) => (await chain.deploy('RevealCourt', admin, ...args)).getAddress();
    const silent = pino({ level: 'silent' });

    const otherRegistry = await (await chain.deploy('FairnessRegistry', admin, adminAddress, 86_400)).getAddress();
    const cases: [string, { registry: string; court: string }, typeof checks, RegExp][] = [
      ['another registry', { registry: otherRegistry, court: await court(registry, gameAssets, 1, 3_600, WEEK, adminAddress) }, checks, /registry\(\) is 0x[0-9a-f]{40}, not/],
      ['another GameAssets', { registry, court: await court(registry, await (await newGameAssets()).getAddress(), 1, 3_600, WEEK, adminAddress) }, checks, /assets\(\) is 0x[0-9a-f]{40}, not/],
      ['another coin', { registry, court: await court(registry, gameAssets, 2, 3_600, WEEK, adminAddress) }, checks, /coinTokenId\(\) is 2, not 1/],
    ];
    for (const [what, addresses, c, message] of cases) {
      const refused = attachFairness(chain.provider, addresses, keys, silent, c);
      await expect(refused, what).rejects.toThrow(/REVEAL_COURT_ADDRESS 0x[0-9a-fA-F]{40} is not a court of this server's contracts/);
      await expect(refused, what).rejects.toThrow(message);
    }

    // Genuine, but with a withdrawal delay under the reveal window: started, with a warning.
    const short = await court(registry, gameAssets, 1, 3_600, 3_600, adminAddress);
    const { lines, log } = capture();
    const attached = await attachFairness(chain.provider, { registry, court: short }, keys, log, checks);
    expect(attached.court).toBe(short);
    const warnings = lines.filter((l) => l.level === 40).map((l) => l.msg);
    expect(warnings.filter((m) => /withdrawal delay is shorter than REVEAL_COURT_WINDOW_SECONDS/.test(m))).toHaveLength(1);
    // The deployed court's delay (7 days) draws no such warning.
    const quiet = capture();
    await attachFairness(chain.provider, { registry, court: deployed.record.court }, keys, quiet.log, checks);
    expect(quiet.lines.filter((l) => /withdrawal delay/.test(l.msg))).toEqual([]);

    // Earlier courts: listed, answered at when bonded; one without code is refused.
    const withEarlier = await attachFairness(chain.provider, { registry, court: deployed.record.court }, keys, silent, { ...checks, earlierCourts: [short, deployed.record.court, short] });
    expect([withEarlier.earlierCourts, withEarlier.answeredCourts]).toEqual([[short], [deployed.record.court, short]]);
    // A court of the earlier, minting version (its artifact kept in test/fixtures) still holding GameAssets' minter role is refused.
    const { abi, bytecode } = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/minting-court/RevealCourt.json'), 'utf8')) as { abi: never; bytecode: string };
    const minting = await (await (await new ContractFactory(abi, bytecode, admin).deploy(registry, gameAssets, 1, 3_600, 1_000_000n, 86_400, adminAddress)).waitForDeployment()).getAddress();
    const minterRole = await assets.getFunction('MINTER_ROLE')();
    await (await assets.getFunction('grantRole')(minterRole, minting)).wait();
    const withMinting = { ...checks, earlierCourts: [minting] };
    await expect(attachFairness(chain.provider, { registry, court: deployed.record.court }, keys, silent, withMinting)).rejects.toThrow(/is of the minting version and still holds GameAssets' MINTER_ROLE: revoke it/);
    // Its role revoked, it is listed and not answered (it pays nothing, and takes another answer).
    await (await assets.getFunction('revokeRole')(minterRole, minting)).wait();
    const revoked = await attachFairness(chain.provider, { registry, court: deployed.record.court }, keys, silent, withMinting);
    expect([revoked.earlierCourts, revoked.answeredCourts]).toEqual([[minting], [deployed.record.court]]);
    const nowhere = '0x' + '12'.repeat(20);
    await expect(attachFairness(chain.provider, { registry, court: deployed.record.court }, keys, silent, { ...checks, earlierCourts: [nowhere] })).rejects.toThrow(/no contract at the earlier reveal court address/);
  });
});

describe('a recorded court bound to another GameAssets (embedded chain)', () => {
  it('is replaced, kept in the record, and its whole bond announced for withdrawal and taken back after the delay', async () => {
    const oldAssets = await newGameAssets();
    const p = await plan(oldAssets);
    const first = await ensureFairnessContracts(chain.provider, admin, p);
    const old = first.court;
    const oldAddress = await old.getAddress();

    const newAssets = await newGameAssets();
    const second = await ensureFairnessContracts(chain.provider, admin, { ...p, gameAssets: await newAssets.getAddress() });
    expect(second.replacedCourt).toBe(oldAddress);
    expect(second.replacedBecause).toMatch(/^bound elsewhere \(assets\(\) is/);
    expect(await second.court.getAddress()).not.toBe(oldAddress);
    expect(second.earlierCourts).toEqual([oldAddress]);
    expect(JSON.parse(readFileSync(p.recordFile, 'utf8'))).toMatchObject({ court: await second.court.getAddress(), earlierCourts: [oldAddress] });
    expect(second.retirement).toEqual([{ court: oldAddress, announced: BOND }]);
    const [amount] = (await old.getFunction('pendingWithdrawal')()) as [bigint, bigint];
    expect(amount).toBe(BOND);

    // Started again before the delay: nothing sent; the earlier court stays in the record.
    const third = await ensureFairnessContracts(chain.provider, admin, { ...p, gameAssets: await newAssets.getAddress() });
    expect([third.retirement, third.earlierCourts, third.fresh.court]).toEqual([[], [oldAddress], false]);

    await chain.advance(WEEK + 1);
    const before = (await oldAssets.getFunction('balanceOf')(await admin.getAddress(), 1)) as bigint;
    const fourth = await ensureFairnessContracts(chain.provider, admin, { ...p, gameAssets: await newAssets.getAddress() });
    expect(fourth.retirement).toEqual([{ court: oldAddress, withdrawn: BOND }]);
    expect(await old.getFunction('bond')()).toBe(0n);
    expect(((await oldAssets.getFunction('balanceOf')(await admin.getAddress(), 1)) as bigint) - before).toBe(BOND);
    // Nothing left to take: nothing announced again.
    expect((await ensureFairnessContracts(chain.provider, admin, { ...p, gameAssets: await newAssets.getAddress() })).retirement).toEqual([]);
  });
});

describe('a court the embedded chain keeps', () => {
  it('is warned of when its withdrawal delay is shorter than a reveal window raised since its deployment', async () => {
    const assets = await newGameAssets();
    const dataDir = mkdtempSync(join(tmpdir(), 'court-checks-'));
    const keys = { fairnessAddress: fairness, vrfKey: KEY, signer, rules: [] };
    const env = { DATA_DIR: dataDir, COURT_BOND_COINS: String(BOND), COURT_WITHDRAW_DELAY_SECONDS: '3600', REVEAL_COURT_WINDOW_SECONDS: '3600' };
    const first = capture();
    await deployFairness(loadConfig(env), chain.provider, admin, await assets.getAddress(), keys, first.log);
    expect(first.lines.filter((l) => /withdrawal delay/.test(l.msg))).toEqual([]);
    // The reveal window raised to a day; the configured delay too, but the kept court keeps its hour.
    const later = capture();
    await deployFairness(loadConfig({ ...env, COURT_WITHDRAW_DELAY_SECONDS: '86400', REVEAL_COURT_WINDOW_SECONDS: '86400' }), chain.provider, admin, await assets.getAddress(), keys, later.log);
    expect(later.lines.filter((l) => l.level === 40).map((l) => l.msg)).toContainEqual(expect.stringMatching(/withdrawal delay is shorter than REVEAL_COURT_WINDOW_SECONDS/));
  });
});
