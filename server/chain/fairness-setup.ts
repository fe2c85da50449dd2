/**
 * The fairness contracts the server runs against: on the embedded chain it deploys them (first
 * start), mints the court its bond, registers its VRF key, receipt signer and rules
 * (fairness-deployment.ts), and funds its fairness key; on another chain (`CHAIN_RPC_URL`) it takes the configured addresses, checks
 * the contracts are there, and warns for every slot whose value in force is not the server's and
 * every role its fairness key lacks: there the operator registers with the registry's admin key.
 * @module
 */
import { join } from 'node:path';
import { Contract, type JsonRpcProvider, type Signer } from 'ethers';
import type { Logger } from 'pino';
import { COIN_TOKEN_ID } from '../awards/tokens.ts';
import type { Config } from '../config.ts';
import { readArtifact } from './artifact.ts';
import { ensureFairnessContracts } from './fairness-deployment.ts';
import { registerFairnessValues, type FairnessValues, type SlotStatus } from './fairness-registration.ts';

/** The fairness contracts, as the server and /fairness know them. */
export interface FairnessContracts {
  readonly registry: string;
  readonly court: string;
  /** Read-only handles (the fairness sender signs its own transactions). */
  readonly registryContract: Contract;
  readonly courtContract: Contract;
  readonly changeDelaySeconds: number;
  readonly answerWindowSeconds: number;
  /** Seconds between announcing a withdrawal of the court's bond and making it. */
  readonly withdrawDelaySeconds: number;
  /** The court's bond no open case has reserved, less an announced withdrawal: what a receipt may promise now. */
  freeBond(): Promise<bigint>;
  /** Each slot (VRF key, signer, rules per game) as the chain holds it. */
  readonly slots: readonly SlotStatus[];
}

/** What the server runs, and the fairness key that posts anchors and court answers. */
export interface FairnessKeys extends FairnessValues {
  readonly fairnessAddress: string;
}

/** The embedded chain: deployed and registered by the node's admin key, the court bonded, the fairness key funded. */
export async function deployFairness(config: Config, provider: JsonRpcProvider, admin: Signer, gameAssets: string, keys: FairnessKeys, log: Logger): Promise<FairnessContracts> {
  await provider.send('anvil_setBalance', [keys.fairnessAddress, '0x56bc75e2d63100000']); // 100 ether
  const deployment = await ensureFairnessContracts(provider, admin, {
    recordFile: join(config.dataDir, 'chain', 'fairness-deployment.json'),
    changeDelaySeconds: config.fairnessChangeDelaySeconds,
    court: {
      answerWindowSeconds: config.courtAnswerSeconds,
      withdrawDelaySeconds: config.courtWithdrawDelaySeconds,
      coinTokenId: COIN_TOKEN_ID,
      bondCoins: BigInt(config.courtBondCoins),
    },
    gameAssets,
    fairness: keys.fairnessAddress,
    vrfKey: keys.vrfKey,
    signer: keys.signer,
    rules: keys.rules,
  });
  const court = await deployment.court.getAddress();
  if (deployment.replacedCourt)
    log.warn(
      { replaced: deployment.replacedCourt, court },
      'the recorded reveal court was of the earlier, minting version: a bonded court was deployed in its place (same registry), and the old one lost its minter role; cases opened there are no longer answered',
    );
  if (deployment.termsNotApplied.length)
    log.warn({ court, terms: deployment.termsNotApplied }, "the recorded reveal court keeps the terms it was deployed with: the configured ones apply to a newly deployed court only");
  if (deployment.bondMinted > 0n) log.info({ court, coins: deployment.bondMinted.toString() }, "minted the reveal court's bond");
  return read(provider, await deployment.registry.getAddress(), court, deployment.slots);
}

/** Another chain: the configured contracts, checked; what is missing is logged, not sent. */
export async function attachFairness(provider: JsonRpcProvider, addresses: { registry: string; court: string }, keys: FairnessKeys, log: Logger): Promise<FairnessContracts> {
  for (const [name, address] of Object.entries(addresses))
    if ((await provider.getCode(address)) === '0x') throw new Error(`no contract at the configured fairness ${name} address ${address}`);
  const registry = new Contract(addresses.registry, readArtifact('FairnessRegistry').abi as never, provider);
  const slots = await registerFairnessValues(registry, keys, { readOnly: true });
  const version = new Contract(addresses.court, readArtifact('RevealCourt').abi as never, provider);
  await version.getFunction('withdrawDelay')().catch(() => {
    throw new Error(`REVEAL_COURT_ADDRESS ${addresses.court} is a court of an earlier, minting version (it has no withdrawDelay()): deploy the bonded RevealCourt (docs/operations.md: Another chain)`);
  });
  for (const s of slots)
    if (s.inForce !== s.wanted)
      log.warn({ slot: s.slot, wanted: s.wanted, inForce: s.inForce }, "the fairness registry does not hold the server's value in force: verifiers will refuse its draws until the registry's admin registers it");
  const contracts = await read(provider, addresses.registry, addresses.court, slots);
  const roles: [Contract, string][] = [[contracts.registryContract, 'ANCHOR_ROLE'], [contracts.courtContract, 'ANSWER_ROLE']];
  for (const [contract, role] of roles)
    if (!((await contract.getFunction('hasRole')(await contract.getFunction(role)(), keys.fairnessAddress)) as boolean))
      log.warn({ role, fairness: keys.fairnessAddress }, 'the fairness key lacks a role: anchors or court answers will wait until the admin grants it');
  return contracts;
}

async function read(provider: JsonRpcProvider, registry: string, court: string, slots: readonly SlotStatus[]): Promise<FairnessContracts> {
  const registryContract = new Contract(registry, readArtifact('FairnessRegistry').abi as never, provider);
  const courtContract = new Contract(court, readArtifact('RevealCourt').abi as never, provider);
  return {
    registry,
    court,
    registryContract,
    courtContract,
    changeDelaySeconds: Number(await registryContract.getFunction('changeDelay')()),
    answerWindowSeconds: Number(await courtContract.getFunction('answerWindow')()),
    withdrawDelaySeconds: Number(await courtContract.getFunction('withdrawDelay')()),
    freeBond: async () => (await courtContract.getFunction('freeBond')()) as bigint,
    slots,
  };
}
