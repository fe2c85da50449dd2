/**
 * Puts the fairness contracts on a chain once and finds them again after, in the manner of
 * deployment.ts for GameAssets: on first start it deploys the FairnessRegistry and the
 * RevealCourt, grants the server's fairness key the anchor and answer roles and the court
 * GameAssets' minter role, and records both addresses in the data directory; on every start it
 * registers the VRF key, the receipt signer and each game's rules hash the registry lacks
 * (fairness-registration.ts). A recorded contract with no code (an embedded node that lost its
 * state) is deployed anew; so is a court whose fixed terms are not the plan's (its GameAssets,
 * coin, answer window, budget or epoch). The court it replaces loses its minter role: it checks
 * receipts against the same registry, and a case opened there, which the server no longer
 * watches, would otherwise be paid for want of an answer.
 * @module
 */
import { readFile } from 'node:fs/promises';
import { Contract, ContractFactory, type Provider, type Signer } from 'ethers';
import { z } from 'zod';
import { writeJsonRecord } from './record-file.ts';
import { readArtifact, type ContractName } from './artifact.ts';
import { mined } from './mined.ts';
import { registerFairnessValues, type FairnessValues, type SlotStatus } from './fairness-registration.ts';

export type { SlotStatus } from './fairness-registration.ts';

export interface FairnessPlan extends FairnessValues {
  /** Where the deployment is recorded, e.g. `${dataDir}/chain/fairness-deployment.json`. */
  readonly recordFile: string;
  /** Seconds before a change registered in the registry takes effect (e.g. 86,400). */
  readonly changeDelaySeconds: number;
  /** The court's terms, fixed at its deployment. */
  readonly court: {
    readonly answerWindowSeconds: number;
    /** Most coins all claims together may mint in one epoch. */
    readonly budgetPerEpoch: bigint;
    readonly epochSeconds: number;
    readonly coinTokenId: number;
  };
  /** The GameAssets contract the court mints on (the deployer must be its admin, or the court already a minter). */
  readonly gameAssets: string;
  /** The server's fairness key: receives the registry's ANCHOR_ROLE and the court's ANSWER_ROLE. */
  readonly fairness: string;
}

const RecordSchema = z.strictObject({ chainId: z.string(), registry: z.string(), court: z.string(), deployedAt: z.string() });
export type FairnessRecord = z.infer<typeof RecordSchema>;

export interface FairnessDeployment {
  readonly registry: Contract;
  readonly court: Contract;
  readonly record: FairnessRecord;
  /** Which contracts this call deployed. */
  readonly fresh: { readonly registry: boolean; readonly court: boolean };
  /** The recorded court this call replaced (and took the minter role from), if any. */
  readonly replacedCourt?: string;
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

/** Whether a deployed court was made with exactly the plan's terms and registry. */
async function courtMatches(court: Contract, registry: string, plan: FairnessPlan): Promise<boolean> {
  const read = async (name: string) => String(await court.getFunction(name)()).toLowerCase();
  const want: Record<string, string> = {
    registry: registry.toLowerCase(),
    assets: plan.gameAssets.toLowerCase(),
    coinTokenId: String(plan.court.coinTokenId),
    answerWindow: String(plan.court.answerWindowSeconds),
    budgetPerEpoch: String(plan.court.budgetPerEpoch),
    epochLength: String(plan.court.epochSeconds),
  };
  for (const [name, value] of Object.entries(want)) if ((await read(name)) !== value) return false;
  return true;
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
  if (sameChain && (await live(provider, recorded.court))) {
    const found = attach('RevealCourt', recorded.court, admin);
    if (await courtMatches(found, registryAddress, plan)) court = found;
    else replacedCourt = recorded.court;
  }
  const courtFound = court !== undefined;
  court ??= await deploy('RevealCourt', admin, registryAddress, plan.gameAssets, plan.court.coinTokenId, plan.court.answerWindowSeconds, plan.court.budgetPerEpoch, plan.court.epochSeconds, adminAddress);
  const courtAddress = await court.getAddress();

  await ensureRole(registry, 'ANCHOR_ROLE', plan.fairness);
  await ensureRole(court, 'ANSWER_ROLE', plan.fairness);
  await ensureRole(attach('GameAssets', plan.gameAssets, admin), 'MINTER_ROLE', courtAddress).catch((e: unknown) => {
    throw new Error(`the court ${courtAddress} needs MINTER_ROLE on GameAssets ${plan.gameAssets}, and granting it failed (is the deployer GameAssets' admin?): ${(e as Error).message}`);
  });

  if (replacedCourt) await retireCourt(attach('RevealCourt', replacedCourt, admin), admin);

  let record = recorded;
  if (!registryFound || !courtFound || !record) {
    record = { chainId, registry: registryAddress, court: courtAddress, deployedAt: new Date().toISOString() };
    await writeJsonRecord(plan.recordFile, record);
  }
  const slots = await registerFairnessValues(registry, plan);
  return { registry, court, record, fresh: { registry: !registryFound, court: !courtFound }, slots, ...(replacedCourt ? { replacedCourt } : {}) };
}

/** Takes the minter role on the replaced court's GameAssets from it (a no-op when it holds none). */
async function retireCourt(old: Contract, admin: Signer): Promise<void> {
  const assets = attach('GameAssets', (await old.getFunction('assets')()) as string, admin);
  const role = (await assets.getFunction('MINTER_ROLE')()) as string;
  const address = await old.getAddress();
  if ((await assets.getFunction('hasRole')(role, address)) as boolean) await mined(assets.runner!.provider!, await assets.getFunction('revokeRole')(role, address));
}
