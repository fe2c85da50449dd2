/**
 * Puts the fairness contracts on a chain once and finds them again after, in the manner of
 * deployment.ts for GameAssets: on first start it deploys the FairnessRegistry and the
 * RevealCourt, grants the server's fairness key the anchor and answer roles, mints the court its
 * bond of coins, and records both addresses in the data directory; on every start it registers
 * the VRF key, the receipt signer and each game's rules hash the registry lacks
 * (fairness-registration.ts). A recorded contract with no code (an embedded node that lost its
 * state) is deployed anew. A recorded court is kept as long as it is of this contract version,
 * whatever the configured terms say now (they apply to a newly deployed court): its bond and its
 * players' cases are there. A recorded court that cannot serve is replaced, keeping the registry:
 * one of the earlier, minting version (no `withdrawDelay()`), or one bound to another registry,
 * GameAssets or coin. The court replaced is kept in the record's `earlierCourts`: it still takes
 * the server's receipts (they name no court), so the server goes on answering there, and takes
 * its bond back (court-retirement.ts: a minting court loses its minter role; a bonded one has its
 * whole bond announced for withdrawal, and withdrawn once its delay has passed).
 * @module
 */
import { readFile } from 'node:fs/promises';
import { Contract, ContractFactory, id as keccakText, type Provider, type Signer } from 'ethers';
import { z } from 'zod';
import { writeJsonRecord } from './record-file.ts';
import { readArtifact, type ContractName } from './artifact.ts';
import { mined } from './mined.ts';
import { registerFairnessValues, type FairnessValues, type SlotStatus } from './fairness-registration.ts';
import { bindingMismatches, isBondedCourt } from './court-checks.ts';
import { retireCourts, revokeMinter, type RetirementStep } from './court-retirement.ts';

export type { SlotStatus } from './fairness-registration.ts';

export interface FairnessPlan extends FairnessValues {
  /** Where the deployment is recorded, e.g. `${dataDir}/chain/fairness-deployment.json`. */
  readonly recordFile: string;
  /** Seconds before a change registered in the registry takes effect (e.g. 86,400). */
  readonly changeDelaySeconds: number;
  /** The court's terms, fixed at its deployment, and its bond. */
  readonly court: {
    readonly answerWindowSeconds: number;
    /** Seconds between announcing a withdrawal of bond and making it. */
    readonly withdrawDelaySeconds: number;
    readonly coinTokenId: number;
    /** Coins minted to a newly deployed court as its bond, once (0: none). */
    readonly bondCoins: bigint;
  };
  /** The GameAssets contract whose coins the court holds and pays (the deployer must be its admin, or hold its minter role, to mint a bond). */
  readonly gameAssets: string;
  /** The server's fairness key: receives the registry's ANCHOR_ROLE and the court's ANSWER_ROLE. */
  readonly fairness: string;
}

const RecordSchema = z.strictObject({
  chainId: z.string(),
  registry: z.string(),
  court: z.string(),
  deployedAt: z.string(),
  /** Courts this deployment replaced, oldest first: still watched, their bond taken back (absent in records written before). */
  earlierCourts: z.array(z.string()).optional(),
});
export type FairnessRecord = z.infer<typeof RecordSchema>;

export interface FairnessDeployment {
  readonly registry: Contract;
  readonly court: Contract;
  readonly record: FairnessRecord;
  /** Which contracts this call deployed. */
  readonly fresh: { readonly registry: boolean; readonly court: boolean };
  /** The recorded court this call replaced (kept in `earlierCourts`), and why, if any. */
  readonly replacedCourt?: string;
  readonly replacedBecause?: string;
  /** Every court this deployment replaced that is on chain, oldest first: the server still answers at the bonded ones. */
  readonly earlierCourts: readonly string[];
  /** What this call sent to take back the earlier courts' bonds or minter roles. */
  readonly retirement: readonly RetirementStep[];
  /** The kept court's fixed terms that differ from the plan's (they apply to a newly deployed court only), by name. */
  readonly termsNotApplied: readonly string[];
  /** Coins this call minted to the court as its bond (0 when it was minted before, or none is planned). */
  readonly bondMinted: bigint;
  /** Every slot of the plan, with whether a registered change is still pending. */
  readonly slots: readonly SlotStatus[];
}

async function readRecord(file: string): Promise<FairnessRecord | undefined> {
  try {
    return RecordSchema.parse(JSON.parse(await readFile(file, 'utf8')));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`${file} is not a fairness deployment record: ${(e as Error).message}`);
  }
}


const attach = (name: ContractName, address: string, admin: Signer) => new Contract(address, readArtifact(name).abi as never, admin);

async function deploy(name: ContractName, admin: Signer, ...args: unknown[]): Promise<Contract> {
  const { abi, bytecode } = readArtifact(name);
  const deployed = await new ContractFactory(abi as never, bytecode, admin).deploy(...args);
  await mined(admin.provider!, deployed.deploymentTransaction());
  return attach(name, await deployed.getAddress(), admin);
}

const live = async (provider: Provider, address: string | undefined): Promise<boolean> => address !== undefined && (await provider.getCode(address)) !== '0x';

/** The kept court's fixed terms that differ from the plan's (they apply to a newly deployed court only). */
async function termsNotApplied(court: Contract, plan: FairnessPlan): Promise<string[]> {
  const want: Record<string, string> = { answerWindow: String(plan.court.answerWindowSeconds), withdrawDelay: String(plan.court.withdrawDelaySeconds) };
  const differ: string[] = [];
  for (const [name, value] of Object.entries(want)) if (String(await court.getFunction(name)()) !== value) differ.push(name);
  return differ;
}

/** Why a recorded, live court cannot be kept (undefined when it can): of the minting version, or bound to another registry, GameAssets or coin. */
async function cannotKeep(court: Contract, registry: string, plan: FairnessPlan): Promise<string | undefined> {
  if (!(await isBondedCourt(court))) return 'of the earlier, minting version';
  const wrong = await bindingMismatches(court, { registry, gameAssets: plan.gameAssets, coinTokenId: plan.court.coinTokenId });
  return wrong.length ? `bound elsewhere (${wrong.join('; ')})` : undefined;
}

/** The award id of a court's bond mint: one per court address, so a restart never mints it twice. */
export const bondAwardId = (court: string): string => keccakText(`fairplay-court-bond:${court.toLowerCase()}`);

/**
 * Mints the court its bond unless its award id was minted before. The deployer sends it: on the
 * embedded chain the deployer is the minter key, which holds GameAssets' MINTER_ROLE; another
 * GameAssets admin without the role grants it to itself for this one mint and revokes it after.
 */
async function fundBond(assets: Contract, court: string, plan: FairnessPlan, admin: Signer): Promise<bigint> {
  const awardId = bondAwardId(court);
  if (plan.court.bondCoins === 0n || ((await assets.getFunction('awarded')(awardId)) as boolean)) return 0n;
  const provider = admin.provider!;
  const role = (await assets.getFunction('MINTER_ROLE')()) as string;
  const self = await admin.getAddress();
  const needsRole = !((await assets.getFunction('hasRole')(role, self)) as boolean);
  let granted = false;
  try {
    if (needsRole) {
      await mined(provider, await assets.getFunction('grantRole')(role, self));
      granted = true;
    }
    await mined(provider, await assets.getFunction('mintAwards')([court], [plan.court.coinTokenId], [plan.court.bondCoins], [awardId]));
  } catch (e) {
    throw new Error(`minting the court ${court} its bond of ${plan.court.bondCoins} coins failed (is the deployer GameAssets' admin, and the bond within the coin's epoch caps?): ${(e as Error).message}`);
  } finally {
    if (granted) await mined(provider, await assets.getFunction('revokeRole')(role, self));
  }
  return plan.court.bondCoins;
}

/** Grants `role` (read from the contract by its getter's name) unless the account holds it. */
async function ensureRole(contract: Contract, roleGetter: string, account: string): Promise<void> {
  const role = (await contract.getFunction(roleGetter)()) as string;
  if (!((await contract.getFunction('hasRole')(role, account)) as boolean)) await mined(contract.runner!.provider!, await contract.getFunction('grantRole')(role, account));
}

/** Deploys or finds the fairness contracts with `admin`, and registers what the plan lacks on chain. */
export async function ensureFairnessContracts(provider: Provider, admin: Signer, plan: FairnessPlan): Promise<FairnessDeployment> {
  const chainId = (await provider.getNetwork()).chainId.toString();
  const adminAddress = await admin.getAddress();
  const recorded = await readRecord(plan.recordFile);
  const sameChain = recorded?.chainId === chainId;

  const registryFound = sameChain && (await live(provider, recorded.registry));
  const registry = registryFound ? attach('FairnessRegistry', recorded.registry, admin) : await deploy('FairnessRegistry', admin, adminAddress, plan.changeDelaySeconds);
  const registryAddress = await registry.getAddress();

  let court: Contract | undefined;
  let replacedCourt: string | undefined;
  let replacedBecause: string | undefined;
  let differ: string[] = [];
  if (sameChain && (await live(provider, recorded.court))) {
    const found = attach('RevealCourt', recorded.court, admin);
    replacedBecause = await cannotKeep(found, registryAddress, plan);
    if (replacedBecause === undefined) {
      court = found;
      differ = await termsNotApplied(found, plan);
    } else replacedCourt = recorded.court;
  }
  // A minting court is stripped before anything else: from here on it can pay nothing.
  if (replacedCourt && !(await isBondedCourt(attach('RevealCourt', replacedCourt, admin)))) await revokeMinter(attach('RevealCourt', replacedCourt, admin), admin);
  const courtFound = court !== undefined;
  court ??= await deploy('RevealCourt', admin, registryAddress, plan.gameAssets, plan.court.coinTokenId, plan.court.answerWindowSeconds, plan.court.withdrawDelaySeconds, adminAddress);
  const courtAddress = await court.getAddress();
  // Courts of another chain (a node that lost its state) are gone: only this chain's are kept.
  const earlierCourts = [...(sameChain ? (recorded.earlierCourts ?? []) : []), ...(replacedCourt ? [replacedCourt] : [])];

  // Recorded before anything is sent to the new contracts: a restart finds them, and funds the bond the same court.
  // The court replaced is recorded with the new one, in one write: a crash never forgets it.
  let record = recorded;
  if (!registryFound || !courtFound || !record) {
    record = { chainId, registry: registryAddress, court: courtAddress, deployedAt: new Date().toISOString(), ...(earlierCourts.length ? { earlierCourts } : {}) };
    await writeJsonRecord(plan.recordFile, record);
  }

  await ensureRole(registry, 'ANCHOR_ROLE', plan.fairness);
  await ensureRole(court, 'ANSWER_ROLE', plan.fairness);
  const bondMinted = await fundBond(attach('GameAssets', plan.gameAssets, admin), courtAddress, plan, admin);

  const slots = await registerFairnessValues(registry, plan);
  // Every start moves the courts left behind on: a withdrawal made when due, another announced while bond is left.
  const earlierLive: string[] = [];
  for (const address of earlierCourts) if (await live(provider, address)) earlierLive.push(address);
  const retirement = await retireCourts(earlierLive, admin);
  return {
    registry,
    court,
    record,
    fresh: { registry: !registryFound, court: !courtFound },
    slots,
    termsNotApplied: differ,
    bondMinted,
    earlierCourts: earlierLive,
    retirement,
    ...(replacedCourt ? { replacedCourt, replacedBecause: replacedBecause! } : {}),
  };
}
