/**
 * The fairness contracts the server runs against: on the embedded chain it deploys them (first
 * start), mints the court its bond, registers its VRF key, receipt signer and rules
 * (fairness-deployment.ts), and funds its fairness key; on another chain (`CHAIN_RPC_URL`) it takes the configured addresses, checks
 * the contracts are there and the court genuine (bound to the configured registry, the server's
 * GameAssets and coin: court-checks.ts), and warns for every slot whose value in force is not the server's and
 * every role its fairness key lacks: there the operator registers with the registry's admin key.
 * Either way it names the earlier courts the server still answers at (the deployment record's and
 * EARLIER_COURT_ADDRESSES), and warns of court terms that leave players too little time.
 * @module
 */
import { join } from 'node:path';
import { Contract, type JsonRpcProvider, type Signer } from 'ethers';
import type { Logger } from 'pino';
import { COIN_TOKEN_ID } from '../awards/tokens.ts';
import type { Config } from '../config.ts';
import { readArtifact } from './artifact.ts';
import { bindingMismatches, checkEarlierCourts, warnCourtTerms, type EarlierCourts } from './court-checks.ts';
import { ensureFairnessContracts } from './fairness-deployment.ts';
import { registerFairnessValues, type FairnessValues, type SlotStatus } from './fairness-registration.ts';

/** The fairness contracts, as the server and /fairness know them. */
export interface FairnessContracts {
  readonly registry: string;
  readonly court: string;
  /** Reveal courts used before `court` that still take the server's receipts (they name no court), oldest first. */
  readonly earlierCourts: readonly string[];
  /** Every court the server answers at: `court` first, then the earlier bonded ones. */
  readonly answeredCourts: readonly string[];
  /** Read-only handles (the fairness sender signs its own transactions). */
  readonly registryContract: Contract;
  readonly courtContract: Contract;
  readonly changeDelaySeconds: number;
  readonly answerWindowSeconds: number;
  /** Seconds between announcing a withdrawal of the court's bond and making it. */
  readonly withdrawDelaySeconds: number;
  /** The court's bond no open case has reserved, less an announced withdrawal: what a receipt may promise now. */
  freeBond(): Promise<bigint>;
  /** The registry's VRF key schedule: key ids (0x-prefixed) and from when each is in force (seconds). */
  vrfKeyEntries(): Promise<{ ids: string[]; activeFrom: number[] }>;
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
      { replaced: deployment.replacedCourt, court, because: deployment.replacedBecause },
      `the recorded reveal court was ${deployment.replacedBecause ?? 'not fit to keep'}: a bonded court was deployed in its place (same registry); the old one is kept in the deployment record, still answered, and its bond or minter role taken back`,
    );
  for (const step of deployment.retirement) log.info({ ...step, announced: step.announced?.toString(), withdrawn: step.withdrawn?.toString() }, 'took back an earlier reveal court\'s bond or minter role (it stays answered)');
  if (deployment.termsNotApplied.length)
    log.warn({ court, terms: deployment.termsNotApplied }, "the recorded reveal court keeps the terms it was deployed with: the configured ones apply to a newly deployed court only (keep the record: docs/operations.md, Courts left behind)");
  if (deployment.bondMinted > 0n) log.info({ court, coins: deployment.bondMinted.toString() }, "minted the reveal court's bond");
  await warnCourtTerms(deployment.court, config.revealCourtWindowSeconds, log);
  const earlier = await checkEarlierCourts(provider, [...deployment.earlierCourts, ...config.earlierCourtAddresses], court, keys.fairnessAddress, log);
  return read(provider, await deployment.registry.getAddress(), court, earlier, deployment.slots);
}

/** What attachFairness checks the configured court against. */
export interface AttachChecks {
  /** The server's GameAssets (GAME_ASSETS_ADDRESS). */
  readonly gameAssets: string;
  /** REVEAL_COURT_WINDOW_SECONDS: the court's withdrawal delay should be at least this. */
  readonly revealWindowSeconds: number;
  /** EARLIER_COURT_ADDRESSES. */
  readonly earlierCourts?: readonly string[];
}

/** Another chain: the configured contracts, checked; what is missing is logged, not sent; a court bound elsewhere is refused. */
export async function attachFairness(provider: JsonRpcProvider, addresses: { registry: string; court: string }, keys: FairnessKeys, log: Logger, checks: AttachChecks): Promise<FairnessContracts> {
  for (const [name, address] of Object.entries(addresses))
    if ((await provider.getCode(address)) === '0x') throw new Error(`no contract at the configured fairness ${name} address ${address}`);
  const registry = new Contract(addresses.registry, readArtifact('FairnessRegistry').abi as never, provider);
  const slots = await registerFairnessValues(registry, keys, { readOnly: true });
  const court = new Contract(addresses.court, readArtifact('RevealCourt').abi as never, provider);
  await court.getFunction('withdrawDelay')().catch(() => {
    throw new Error(`REVEAL_COURT_ADDRESS ${addresses.court} is a court of an earlier, minting version (it has no withdrawDelay()): deploy the bonded RevealCourt (docs/operations.md: Another chain)`);
  });
  // A court checking receipts against another registry, or paying another token, is not the one the server's receipts promise.
  const wrong = await bindingMismatches(court, { registry: addresses.registry, gameAssets: checks.gameAssets, coinTokenId: COIN_TOKEN_ID });
  if (wrong.length)
    throw new Error(`REVEAL_COURT_ADDRESS ${addresses.court} is not a court of this server's contracts: ${wrong.join('; ')} (FAIRNESS_REGISTRY_ADDRESS, GAME_ASSETS_ADDRESS and coin ${COIN_TOKEN_ID}); deploy a RevealCourt bound to them (docs/operations.md: Another chain)`);
  await warnCourtTerms(court, checks.revealWindowSeconds, log);
  for (const s of slots)
    if (s.inForce !== s.wanted)
      log.warn({ slot: s.slot, wanted: s.wanted, inForce: s.inForce }, "the fairness registry does not hold the server's value in force: verifiers will refuse its draws until the registry's admin registers it");
  const earlier = await checkEarlierCourts(provider, checks.earlierCourts ?? [], addresses.court, keys.fairnessAddress, log);
  const contracts = await read(provider, addresses.registry, addresses.court, earlier, slots);
  const roles: [Contract, string][] = [[contracts.registryContract, 'ANCHOR_ROLE'], [contracts.courtContract, 'ANSWER_ROLE']];
  for (const [contract, role] of roles)
    if (!((await contract.getFunction('hasRole')(await contract.getFunction(role)(), keys.fairnessAddress)) as boolean))
      log.warn({ role, fairness: keys.fairnessAddress }, 'the fairness key lacks a role: anchors or court answers will wait until the admin grants it');
  return contracts;
}

async function read(provider: JsonRpcProvider, registry: string, court: string, earlier: EarlierCourts, slots: readonly SlotStatus[]): Promise<FairnessContracts> {
  const registryContract = new Contract(registry, readArtifact('FairnessRegistry').abi as never, provider);
  const courtContract = new Contract(court, readArtifact('RevealCourt').abi as never, provider);
  return {
    registry,
    court,
    earlierCourts: earlier.all,
    answeredCourts: [court, ...earlier.answered],
    registryContract,
    courtContract,
    changeDelaySeconds: Number(await registryContract.getFunction('changeDelay')()),
    answerWindowSeconds: Number(await courtContract.getFunction('answerWindow')()),
    withdrawDelaySeconds: Number(await courtContract.getFunction('withdrawDelay')()),
    freeBond: async () => (await courtContract.getFunction('freeBond')()) as bigint,
    vrfKeyEntries: async () => {
      const [ids, activeFrom] = (await registryContract.getFunction('vrfKeyEntries')()) as [string[], bigint[]];
      return { ids: [...ids], activeFrom: activeFrom.map(Number) };
    },
    slots,
  };
}
