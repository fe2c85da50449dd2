import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContractFactory, hexlify, randomBytes, type Contract, type JsonRpcSigner } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureGameAssets } from '../../server/chain/deployment.ts';
import pino from 'pino';
import { loadConfig } from '../../server/config.ts';
import { bondAwardId, ensureFairnessContracts, type FairnessPlan } from '../../server/chain/fairness-deployment.ts';
import { attachFairness, deployFairness } from '../../server/chain/fairness-setup.ts';
import { mined, startFairnessChain, type FairnessChain } from '../helpers/fairness-contracts.ts';

const DELAY = 86_400;
const BOND = 5_000n;
const KEY = { keyId: '0d919fdcbe9bb1e8', suite: 'ECVRF-EDWARDS25519-SHA512-TAI', publicKey: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a' };
const hash = () => hexlify(randomBytes(32)).slice(2);

let chain: FairnessChain;
let admin: JsonRpcSigner;
let gameAssets: Contract;
let fairness: string;
let signer: string;

beforeAll(async () => {
  chain = await startFairnessChain();
  admin = chain.signers[0]!;
  [fairness, signer] = await Promise.all([chain.signers[1]!.getAddress(), chain.signers[2]!.getAddress()]);
  const dir = mkdtempSync(join(tmpdir(), 'fairness-deploy-'));
  const tokens = [{ id: 1, epochCap: 10n ** 30n, playerEpochCap: 10n ** 30n }];
  ({ contract: gameAssets } = await ensureGameAssets(chain.provider, admin, { recordFile: join(dir, 'deployment.json'), uri: 'https://fairplay.example/assets/{id}.json', epochSeconds: 86_400, tokens, minter: fairness, vrfKey: KEY }));
});

afterAll(async () => {
  await chain?.close();
});

async function plan(rules: FairnessPlan['rules'], answerWindowSeconds = 3_600, dir = mkdtempSync(join(tmpdir(), 'fairness-deploy-'))): Promise<FairnessPlan> {
  return {
    recordFile: join(dir, 'chain', 'fairness-deployment.json'),
    changeDelaySeconds: DELAY,
    court: { answerWindowSeconds, withdrawDelaySeconds: 7 * 86_400, coinTokenId: 1, bondCoins: BOND },
    gameAssets: await gameAssets.getAddress(),
    fairness,
    vrfKey: KEY,
    signer,
    rules,
  };
}

const nonce = () => chain.provider.getTransactionCount(admin.getAddress(), 'latest');

describe('fairness contracts deployment', () => {
  it('deploys and registers on first start, sends nothing on the next, and registers a changed rules hash as one delayed entry', async () => {
    const [dice, raid] = [hash(), hash()];
    const p = await plan([{ game: 'dice', rulesHash: dice }, { game: 'raid', rulesHash: raid }]);
    const first = await ensureFairnessContracts(chain.provider, admin, p);
    expect(first.fresh).toEqual({ registry: true, court: true });
    expect(statSync(p.recordFile).mode & 0o777).toBe(0o600);
    const record = JSON.parse(readFileSync(p.recordFile, 'utf8'));
    expect([record.registry, record.court]).toEqual([await first.registry.getAddress(), await first.court.getAddress()]);
    const { registry, court } = first;
    const now = await chain.now();
    expect(await registry.getFunction('hasRole')(await registry.getFunction('ANCHOR_ROLE')(), fairness)).toBe(true);
    expect(await court.getFunction('hasRole')(await court.getFunction('ANSWER_ROLE')(), fairness)).toBe(true);
    // The court holds its bond and no minter role; the deployer (GameAssets' admin, no minter) took the role for the bond mint only.
    const minter = await gameAssets.getFunction('MINTER_ROLE')();
    expect(await gameAssets.getFunction('hasRole')(minter, record.court)).toBe(false);
    expect(await gameAssets.getFunction('hasRole')(minter, await admin.getAddress())).toBe(false);
    expect(first.bondMinted).toBe(BOND);
    expect([await court.getFunction('bond')(), await court.getFunction('freeBond')(), await gameAssets.getFunction('awarded')(bondAwardId(record.court))]).toEqual([BOND, BOND, true]);
    expect(await court.getFunction('withdrawDelay')()).toBe(7n * 86_400n);
    expect(await registry.getFunction('signerAt')(now)).toBe(signer);
    expect(await registry.getFunction('vrfKeyAt')(now)).toBe('0x' + KEY.keyId);
    expect(await registry.getFunction('rulesAt')('dice', now)).toBe('0x' + dice);
    expect(await registry.getFunction('rulesAt')('raid', now)).toBe('0x' + raid);
    expect(await court.getFunction('answerWindow')()).toBe(3_600n);
    expect(first.slots.map((s) => [s.slot, s.registered, s.pending])).toEqual([['vrfKey', true, false], ['signer', true, false], ['rules:dice', true, false], ['rules:raid', true, false]]);

    const before = await nonce();
    const second = await ensureFairnessContracts(chain.provider, admin, p);
    expect(await nonce()).toBe(before); // not one transaction
    expect(second.fresh).toEqual({ registry: false, court: false });
    expect(await second.court.getAddress()).toBe(record.court);
    expect([second.bondMinted, second.termsNotApplied, await court.getFunction('bond')()]).toEqual([0n, [], BOND]); // the bond minted once
    expect(second.slots.every((s) => !s.registered && !s.pending)).toBe(true);

    const changed = hash();
    const third = await ensureFairnessContracts(chain.provider, admin, { ...p, rules: [{ game: 'dice', rulesHash: changed }, { game: 'raid', rulesHash: raid }] });
    expect(await nonce()).toBe(before + 1);
    const slot = third.slots.find((s) => s.slot === 'rules:dice')!;
    expect([slot.registered, slot.pending, slot.inForce, slot.latest.value]).toEqual([true, true, '0x' + dice, '0x' + changed]);
    const at = await chain.now();
    expect(slot.latest.activeFrom).toBe(at + DELAY);
    expect(await registry.getFunction('rulesAt')('dice', at)).toBe('0x' + dice);
    expect(await registry.getFunction('rulesAt')('dice', at + DELAY)).toBe('0x' + changed);
    // Started again with the pending hash: it is the latest entry already.
    await ensureFairnessContracts(chain.provider, admin, { ...p, rules: [{ game: 'dice', rulesHash: changed }, { game: 'raid', rulesHash: raid }] });
    expect(await nonce()).toBe(before + 1);
  });

  it('keeps the recorded court when the configured terms change, and says which terms it keeps', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fairness-deploy-'));
    const rules = [{ game: 'dice', rulesHash: hash() }];
    const first = await ensureFairnessContracts(chain.provider, admin, await plan(rules, 3_600, dir));
    const changed = await plan(rules, 7_200, dir);
    const before = await nonce();
    const second = await ensureFairnessContracts(chain.provider, admin, { ...changed, court: { ...changed.court, withdrawDelaySeconds: 3_600, bondCoins: 9n } });
    expect(await nonce()).toBe(before);
    expect(second.fresh).toEqual({ registry: false, court: false });
    expect(await second.court.getAddress()).toBe(await first.court.getAddress());
    expect(second.termsNotApplied).toEqual(['answerWindow', 'withdrawDelay']);
    expect(second.replacedCourt).toBeUndefined();
    expect([await second.court.getFunction('answerWindow')(), await second.court.getFunction('bond')()]).toEqual([3_600n, BOND]);
  });

  it("replaces a data directory's recorded court of the earlier, minting version, keeping the registry, taking its minter role, and saying so", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fairness-deploy-'));
    const config = loadConfig({ DATA_DIR: dir, COURT_BOND_COINS: String(BOND) });
    const keys = { fairnessAddress: fairness, vrfKey: KEY, signer, rules: [{ game: 'dice', rulesHash: hash() }] };
    const silent = pino({ level: 'silent' });
    const first = await deployFairness(config, chain.provider, admin, await gameAssets.getAddress(), keys, silent);
    const recordFile = join(dir, 'chain', 'fairness-deployment.json');
    // The earlier court, as that version deployed it (its artifact kept in test/fixtures): no withdrawDelay(), a minter on GameAssets.
    const { abi, bytecode } = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/minting-court/RevealCourt.json'), 'utf8')) as { abi: never; bytecode: string };
    const deployed = await (await new ContractFactory(abi, bytecode, admin).deploy(first.registry, await gameAssets.getAddress(), 1, 3_600, 1_000_000n, 86_400, await admin.getAddress())).waitForDeployment();
    const old = await deployed.getAddress();
    const minter = await gameAssets.getFunction('MINTER_ROLE')();
    await mined(gameAssets.getFunction('grantRole')(minter, old));
    writeFileSync(recordFile, JSON.stringify({ ...JSON.parse(readFileSync(recordFile, 'utf8')), court: old }));

    const lines: { level: number; msg: string; replaced?: string; court?: string }[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as (typeof lines)[number]) });
    const second = await deployFairness(config, chain.provider, admin, await gameAssets.getAddress(), keys, log);
    expect(second.registry).toBe(first.registry);
    expect(second.court).not.toBe(old);
    expect(second.court).not.toBe(first.court);
    const warning = lines.find((l) => l.level === 40);
    expect(warning).toMatchObject({ replaced: old, court: second.court });
    expect(warning?.msg).toMatch(/the recorded reveal court was of the earlier, minting version: a bonded court was deployed in its place \(same registry\)/);
    expect(await gameAssets.getFunction('hasRole')(minter, old)).toBe(false);
    expect(await gameAssets.getFunction('hasRole')(minter, second.court)).toBe(false);
    expect([await second.freeBond(), second.withdrawDelaySeconds, second.answerWindowSeconds]).toEqual([BOND, 604_800, 21_600]);
    expect(JSON.parse(readFileSync(recordFile, 'utf8'))).toMatchObject({ registry: first.registry, court: second.court, earlierCourts: [old] });
    // Kept and listed; not answered (stripped of its minter role, it pays no claim, and takes another answer).
    expect([second.earlierCourts, second.answeredCourts]).toEqual([[old], [second.court]]);
    // Named on another chain (CHAIN_RPC_URL), the earlier court is refused, the bonded one taken.
    const attachChecks = { gameAssets: await gameAssets.getAddress(), revealWindowSeconds: 86_400 };
    await expect(attachFairness(chain.provider, { registry: first.registry, court: old }, keys, silent, attachChecks)).rejects.toThrow(/REVEAL_COURT_ADDRESS 0x[0-9a-fA-F]{40} is a court of an earlier, minting version/);
    expect((await attachFairness(chain.provider, { registry: first.registry, court: second.court }, keys, silent, attachChecks)).withdrawDelaySeconds).toBe(604_800);
    // Started again: the new court is kept, its bond not minted twice.
    const third = await deployFairness(config, chain.provider, admin, await gameAssets.getAddress(), keys, silent);
    expect([third.court, await third.freeBond()]).toEqual([second.court, BOND]);
  });

  it('deploys anew when the recorded contracts are gone (a node that lost its state)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fairness-deploy-'));
    const p = await plan([{ game: 'dice', rulesHash: hash() }], 3_600, dir);
    await ensureFairnessContracts(chain.provider, admin, p);
    const other = await startFairnessChain();
    try {
      const otherAdmin = other.signers[0]!;
      const tokens = [{ id: 1, epochCap: 10n ** 30n, playerEpochCap: 10n ** 30n }];
      const assets = await ensureGameAssets(other.provider, otherAdmin, { recordFile: join(dir, 'deployment.json'), uri: 'https://fairplay.example/assets/{id}.json', epochSeconds: 86_400, tokens, minter: fairness, vrfKey: KEY });
      const again = await ensureFairnessContracts(other.provider, otherAdmin, { ...p, gameAssets: await assets.contract.getAddress() });
      expect(again.fresh).toEqual({ registry: true, court: true });
      expect(await other.provider.getCode(await again.court.getAddress())).not.toBe('0x');
      expect(again.slots.every((s) => s.registered && !s.pending)).toBe(true);
      expect(JSON.parse(readFileSync(p.recordFile, 'utf8')).registry).toBe(await again.registry.getAddress());
    } finally {
      await other.close();
    }
  });

  it('refuses a VRF key id that the registry holds with another public key', async () => {
    const p = await plan([{ game: 'dice', rulesHash: hash() }]);
    await ensureFairnessContracts(chain.provider, admin, p);
    await expect(ensureFairnessContracts(chain.provider, admin, { ...p, vrfKey: { ...KEY, publicKey: '11'.repeat(32) } })).rejects.toThrow(/another public key/);
  });
});
