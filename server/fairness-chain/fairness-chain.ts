/**
 * Starts what the server posts to the fairness registry with its fairness key: the fairness
 * sender and the anchor loop, given the registry's address (deployed or configured elsewhere).
 * In a cluster they run only while this process leads (`leader`: the minter lease's holder):
 * both are started when leadership is gained and stopped when it is lost, the new leader
 * reconciling from the shared log as after any restart. The readers (`AnchorReader`) answer in
 * every process.
 * @module
 */
import type { BaseWallet, JsonRpcProvider } from 'ethers';
import { Contract } from 'ethers';
import type { Logger } from 'pino';
import { SqlMintLog } from '../awards/sql-mint-log.ts';
import type { Database } from '../db/database.ts';
import { AnchorBuilder } from './anchor-builder.ts';
import { AnchorReader } from './anchor-reader.ts';
import { ANCHOR_ABI, ANCHORED_TOPIC, AnchorService } from './anchor-service.ts';
import { AnchorStore } from './anchor-store.ts';
import { FairnessSender, type FairnessTx } from './fairness-sender.ts';

/** How often leadership is looked at. */
const LEADER_STEP_MS = 2_000;

export interface FairnessChainOptions {
  readonly database: Database;
  readonly registryAddress: string;
  /** The fairness key, connected to `provider`. */
  readonly wallet: BaseWallet;
  readonly provider: JsonRpcProvider;
  readonly chainId: bigint;
  readonly confirmations: number;
  readonly receiptTimeoutMs: number;
  /** ANCHOR_PERIOD_MS. */
  readonly anchorPeriodMs: number;
  readonly pollMs?: number;
  readonly log: Logger;
  /** Whether this process may send now (a cluster's minter lease, with time to spare); always, when absent. */
  readonly leader?: () => boolean;
  /** Other targets of the fairness key (the court) and the topic 0 of the event that confirms an id there. */
  readonly moreTopics?: ReadonlyMap<string, string>;
}

export interface FairnessChain {
  readonly anchors: AnchorReader;
  /** Queues a transaction of another kind (a court answer), when this process leads; false otherwise. */
  send(tx: FairnessTx): boolean;
  /** Stops trying a queued transaction that can never succeed (FairnessSender.drop); false when not queued here. */
  drop(id: string, reason: string): Promise<boolean>;
  /** The running sender and anchor loop, while this process leads (tests look at them). */
  readonly running: { readonly sender: FairnessSender; readonly anchors: AnchorService } | undefined;
  stop(): Promise<void>;
}

/** The log label of the fairness key's transactions on this registry. */
export const fairnessLogLabel = (registryAddress: string): string => `fairness:${registryAddress.toLowerCase()}`;

export function startFairnessChain(o: FairnessChainOptions): FairnessChain {
  const log = new SqlMintLog(o.database, fairnessLogLabel(o.registryAddress));
  const store = new AnchorStore(o.database);
  const topics = new Map([[o.registryAddress.toLowerCase(), ANCHORED_TOPIC], ...(o.moreTopics ?? [])]);
  const leader = o.leader ?? (() => true);
  const builder = new AnchorBuilder();
  let running: { sender: FairnessSender; anchors: AnchorService } | undefined;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let step: Promise<void> = Promise.resolve();

  const lead = (): void => {
    let anchors: AnchorService | undefined;
    const sender = new FairnessSender({
      log,
      contract: new Contract(o.registryAddress, ANCHOR_ABI, o.provider),
      topics,
      wallet: o.wallet,
      provider: o.provider,
      chainId: o.chainId,
      confirmations: o.confirmations,
      receiptTimeoutMs: o.receiptTimeoutMs,
      ...(o.pollMs !== undefined ? { pollMs: o.pollMs } : {}),
      logger: o.log.child({ component: 'fairness-sender' }),
      mayBroadcast: leader,
      onLost: (ids) => anchors?.lost(ids),
    });
    anchors = new AnchorService({ store, sender, registryAddress: o.registryAddress, periodMs: o.anchorPeriodMs, build: (heads) => builder.build(heads), mayAnchor: leader, log: o.log.child({ component: 'anchors' }) });
    running = { sender, anchors };
    sender.start();
    anchors.start();
    o.log.info({ registry: o.registryAddress, address: o.wallet.address }, 'this process anchors transcripts');
  };
  const resign = async (): Promise<void> => {
    const was = running;
    running = undefined;
    if (!was) return;
    await was.anchors.stop();
    await was.sender.stop();
  };
  const check = (): void => {
    step = (async () => {
      if (leader() && !running) lead();
      else if (!leader() && running) {
        o.log.warn('no longer leads: another process anchors now');
        await resign();
      }
    })()
      .catch((err: unknown) => o.log.warn({ err: (err as Error).message }, 'fairness leadership step failed'))
      .finally(() => {
        if (!stopped) timer = setTimeout(check, LEADER_STEP_MS);
      });
  };
  check();

  return {
    anchors: new AnchorReader(store, log),
    send(tx) {
      if (!running) return false;
      running.sender.enqueue(tx);
      return true;
    },
    async drop(id, reason) {
      return (await running?.sender.drop(id, reason)) ?? false;
    },
    get running() {
      return running;
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await step;
      await resign();
      await builder.close();
    },
  };
}
