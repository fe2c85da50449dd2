/**
 * The server's fairness on chain, started in one place: the FairnessRegistry and RevealCourt
 * (deployed on the embedded chain at first start, `chain/fairness-deployment.ts`; given by
 * FAIRNESS_REGISTRY_ADDRESS and REVEAL_COURT_ADDRESS with CHAIN_RPC_URL), the fairness key's
 * sender with the anchor loop (`fairness-chain/`), and the reveal court's watcher (`court/`).
 * What `/fairness` publishes about them comes back as `info`.
 * @module
 */
import { Contract, Wallet } from 'ethers';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { COIN_TOKEN_ID } from './awards/tokens.ts';
import type { Chain } from './chain/chain.ts';
import { ensureFairnessContracts } from './chain/fairness-deployment.ts';
import type { Config } from './config.ts';
import { ANSWERED_TOPIC } from './court/court-contract.ts';
import { readCourtInfo, type CourtInfo } from './court/court-info.ts';
import { startCourtWatcher, type CourtWatcher } from './court/court-watcher.ts';
import type { Database } from './db/database.ts';
import type { FairnessContext } from './fairness/context.ts';
import type { RoomRecords } from './fairness/room-records.ts';
import { startFairnessChain, type FairnessChain } from './fairness-chain/fairness-chain.ts';

/** A new embedded deployment's terms: a change in the registry binds a day after it is made; the server has an hour to answer a court case. */
const CHANGE_DELAY_SECONDS = 86_400;
const ANSWER_WINDOW_SECONDS = 3_600;

export interface OnchainFairness {
  /** For `/fairness`'s `chain`: the registry's address and the court's terms. */
  readonly info: { readonly registry: string; readonly court: CourtInfo; readonly changeDelaySeconds: number; readonly anchorPeriodMs: number };
  readonly chain: FairnessChain;
  close(): Promise<void>;
}

export async function startOnchainFairness(o: {
  config: Config;
  chain: Chain;
  fairnessKey: string;
  ctx: FairnessContext;
  database: Database;
  rooms: RoomRecords;
  withhold: boolean;
  log: Logger;
}): Promise<OnchainFairness | undefined> {
  const { config, chain, ctx, log } = o;
  const wallet = new Wallet(o.fairnessKey, chain.provider);
  let registry: string;
  let court: string;
  if (chain.embedded) {
    await chain.provider.send('anvil_setBalance', [wallet.address, '0x3635c9adc5dea00000']); // 1000 ether
    // The minter key is GameAssets' admin on the embedded chain; nothing mints yet, so it may deploy.
    const deployment = await ensureFairnessContracts(chain.provider, chain.minter, {
      recordFile: join(config.dataDir, 'chain', 'fairness-deployment.json'),
      changeDelaySeconds: CHANGE_DELAY_SECONDS,
      court: { answerWindowSeconds: ANSWER_WINDOW_SECONDS, budgetPerEpoch: BigInt(config.coinEpochCap), epochSeconds: config.awardEpochSeconds, coinTokenId: COIN_TOKEN_ID },
      gameAssets: chain.gameAssets,
      fairness: wallet.address,
      vrfKey: { keyId: ctx.keyId, suite: ctx.suite.name, publicKey: ctx.publicKeyHex },
      signer: ctx.receiptSigner,
      rules: Object.entries(ctx.rules).map(([game, r]) => ({ game, rulesHash: r.hash })),
    });
    [registry, court] = [deployment.record.registry, deployment.record.court];
    if (deployment.fresh.registry || deployment.fresh.court) log.info({ registry, court }, 'deployed the fairness contracts on the embedded chain');
  } else if (config.fairnessRegistryAddress && config.revealCourtAddress) {
    [registry, court] = [config.fairnessRegistryAddress, config.revealCourtAddress];
  } else {
    log.warn('no FAIRNESS_REGISTRY_ADDRESS and REVEAL_COURT_ADDRESS: transcripts are not anchored and court cases are not answered');
    return undefined;
  }
  const fairness = startFairnessChain({
    database: o.database,
    registryAddress: registry,
    wallet,
    provider: chain.provider,
    chainId: BigInt(chain.chainId),
    confirmations: config.mintConfirmations,
    receiptTimeoutMs: config.mintReceiptTimeoutSeconds * 1000,
    anchorPeriodMs: config.anchorPeriodMs,
    log,
    moreTopics: new Map([[court.toLowerCase(), ANSWERED_TOPIC]]),
  });
  const watcher: CourtWatcher = startCourtWatcher({
    court,
    provider: chain.provider,
    transactions: {
      async submit({ id, to, data }) {
        if (!fairness.send({ id, to, data })) throw new Error('this process does not send fairness transactions now');
      },
    },
    rooms: o.rooms,
    prover: ctx.prover,
    keyId: ctx.keyId,
    database: o.database,
    log,
    withhold: o.withhold,
    // A public chain seals a block every few seconds: no need to ask more often.
    pollMs: chain.embedded ? 1000 : 5000,
    confirmations: config.mintConfirmations,
  });
  const changeDelay = (await new Contract(registry, ['function changeDelay() view returns (uint64)'], chain.provider).getFunction('changeDelay')()) as bigint;
  return {
    info: { registry, court: await readCourtInfo(chain.provider, court, config.revealCourtWindowSeconds * 1000), changeDelaySeconds: Number(changeDelay), anchorPeriodMs: config.anchorPeriodMs },
    chain: fairness,
    async close() {
      await watcher.stop();
      await fairness.stop();
    },
  };
}
