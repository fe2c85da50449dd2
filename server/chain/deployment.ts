/**
 * Puts GameAssets on a chain once and finds it again after: on first start it deploys the
 * contract, declares the token ids with their caps, grants the minter role and registers the
 * server's VRF key; it records the address in the data directory, and on later starts checks
 * the recorded contract is still there (an embedded node that lost its state gets a fresh one)
 * and that the current VRF key is registered. It makes the plan's depositable ids (the coin)
 * depositable; a recorded contract older than `deposit` is deployed anew if no award was ever
 * minted on it to a player (with `redeployWithoutDeposit`), else kept with deposits unavailable.
 * @module
 */
import { readFile } from 'node:fs/promises';
import { Contract, ContractFactory, type Provider, type Signer } from 'ethers';
import { z } from 'zod';
import { writeJsonRecord } from './record-file.ts';
import { readArtifact } from './artifact.ts';
import { mined } from './mined.ts';
import { awardsMintedToPlayers, hasDeposit, type DepositsState } from './deposit-support.ts';

/** A token id players can win, with its published emission caps. */
export interface TokenCaps {
  readonly id: number;
  readonly epochCap: bigint;
  readonly playerEpochCap: bigint;
}

export interface DeploymentPlan {
  /** Where the deployment is recorded, e.g. `${dataDir}/chain/deployment.json`. */
  readonly recordFile: string;
  readonly uri: string;
  readonly epochSeconds: number;
  readonly tokens: readonly TokenCaps[];
  /** Receives MINTER_ROLE. */
  readonly minter: string;
  readonly vrfKey: { readonly keyId: string; readonly suite: string; readonly publicKey: string };
  /** Token ids players may deposit (burn into chips): made depositable by `admin`. */
  readonly depositable?: readonly number[];
  /**
   * A recorded contract that predates `deposit` is deployed anew when no award was ever minted on
   * it to a player (the embedded chain: nobody holds its tokens). Without it, or once awards were
   * minted, it is kept and deposits are unavailable.
   */
  readonly redeployWithoutDeposit?: boolean;
  /** Loot tables for `mintWithProof`, by rules hash (hex, no 0x): registered unless they are. */
  readonly lootTables?: readonly LootTablePlan[];
}

/** A rules document's loot table as GameAssets holds it: tokenId 0 for bonus chips. */
export interface LootTablePlan {
  readonly rulesHash: string;
  readonly rows: readonly { readonly weight: number; readonly tokenId: number; readonly amount: number }[];
}

const RecordSchema = z.strictObject({ chainId: z.string(), address: z.string(), deployedAt: z.string() });
export type DeploymentRecord = z.infer<typeof RecordSchema>;

export interface Deployment {
  readonly contract: Contract;
  readonly record: DeploymentRecord;
  /** True when this call deployed the contract (first start, or the old one was gone). */
  readonly fresh: boolean;
  /** `unavailable` when the contract predates `deposit`; else whether the plan's ids are depositable. */
  readonly deposits: DepositsState;
  /** The recorded contract without `deposit` that this call replaced (nothing was minted on it). */
  readonly replacedWithoutDeposit?: string;
}

async function readRecord(file: string): Promise<DeploymentRecord | undefined> {
  try {
    return RecordSchema.parse(JSON.parse(await readFile(file, 'utf8')));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`${file} is not a deployment record: ${(e as Error).message}`);
  }
}


/** Deploys GameAssets with `admin` unless a live recorded deployment exists; returns it ready to mint. */
export async function ensureGameAssets(provider: Provider, admin: Signer, plan: DeploymentPlan): Promise<Deployment> {
  const { abi, bytecode } = readArtifact();
  const chainId = (await provider.getNetwork()).chainId.toString();
  const recorded = await readRecord(plan.recordFile);
  let replacedWithoutDeposit: string | undefined;
  if (recorded && recorded.chainId === chainId && (await provider.getCode(recorded.address)) !== '0x') {
    const contract = new Contract(recorded.address, abi as never, admin);
    const depositCapable = await hasDeposit(contract);
    if (depositCapable || !plan.redeployWithoutDeposit || (await awardsMintedToPlayers(provider, recorded.address)) > 0) {
      // Token ids added since the deployment (new games, new loot) are declared now.
      for (const t of plan.tokens)
        if (!((await contract.getFunction('tokens')(t.id)) as [boolean])[0]) await mined(provider, await contract.getFunction('configureToken')(t.id, t.epochCap, t.playerEpochCap));
      await registerKey(contract, plan.vrfKey);
      await registerLootTables(contract, plan.lootTables ?? []);
      const deposits = depositCapable ? await openDeposits(contract, plan.depositable ?? []) : 'unavailable';
      return { contract, record: recorded, fresh: false, deposits };
    }
    replacedWithoutDeposit = recorded.address;
  }
  const factory = new ContractFactory(abi as never, bytecode, admin);
  const deployed = await factory.deploy(plan.uri, await admin.getAddress(), plan.epochSeconds);
  await mined(provider, deployed.deploymentTransaction());
  const contract = new Contract(await deployed.getAddress(), abi as never, admin);
  for (const t of plan.tokens) await mined(provider, await contract.getFunction('configureToken')(t.id, t.epochCap, t.playerEpochCap));
  await mined(provider, await contract.getFunction('grantRole')(await contract.getFunction('MINTER_ROLE')(), plan.minter));
  await registerKey(contract, plan.vrfKey);
  await registerLootTables(contract, plan.lootTables ?? []);
  const deposits = await openDeposits(contract, plan.depositable ?? []);
  const record = { chainId, address: await contract.getAddress(), deployedAt: new Date().toISOString() };
  await writeJsonRecord(plan.recordFile, record);
  return { contract, record, fresh: true, deposits, ...(replacedWithoutDeposit ? { replacedWithoutDeposit } : {}) };
}

/** Makes each id depositable unless it is (the admin's call): `open` after, or `closed` for no ids. */
async function openDeposits(contract: Contract, ids: readonly number[]): Promise<DepositsState> {
  for (const id of ids)
    if (!((await contract.getFunction('depositable')(id)) as boolean)) await mined(contract.runner!.provider!, await contract.getFunction('setDepositable')(id, true));
  return ids.length ? 'open' : 'closed';
}

/**
 * Registers each loot table unless it is (tables are never replaced). A recorded contract that
 * predates `registerLootTable` is left as it is: its awards are minted in batches, unproven.
 */
async function registerLootTables(contract: Contract, tables: readonly LootTablePlan[]): Promise<void> {
  for (const t of tables) {
    let rows: unknown[];
    try {
      rows = (await contract.getFunction('lootTable')('0x' + t.rulesHash)) as unknown[];
    } catch (e) {
      if ((e as { code?: string }).code === 'CALL_EXCEPTION' || (e as { code?: string }).code === 'BAD_DATA') return;
      throw e;
    }
    if (rows.length === 0) await mined(contract.runner!.provider!, await contract.getFunction('registerLootTable')('0x' + t.rulesHash, t.rows));
  }
}

/** Registers the VRF key unless it already is (keys are never replaced). */
async function registerKey(contract: Contract, key: DeploymentPlan['vrfKey']): Promise<void> {
  const keyId = '0x' + key.keyId;
  const existing = (await contract.getFunction('vrfKey')(keyId)) as { publicKey: string };
  if (existing.publicKey !== '0x') {
    if (existing.publicKey.toLowerCase() !== '0x' + key.publicKey.toLowerCase())
      throw new Error(`key id ${key.keyId} is registered on chain with another public key`);
    return;
  }
  const activatedAt = BigInt(Math.floor(Date.now() / 1000));
  await mined(contract.runner!.provider!, await contract.getFunction('registerVrfKey')(keyId, key.suite, '0x' + key.publicKey, activatedAt));
}
