/**
 * Builds the game server from its parts: keys, the prover pool, storage, sign-in, crash
 * recovery, the Colyseus rooms and the HTTP routes, all on one port.
 * @module
 */
import './node20-websocket.ts';
import type { AddressInfo } from 'node:net';
import { defineRoom, defineServer } from '@colyseus/core';
import { WebSocketTransport } from '@colyseus/ws-transport';
import type { Logger } from 'pino';
import { getSuite, suites } from '../vrf/index.ts';
import { vrfKeyId } from '../vrf/protocol/commitment.ts';
import { RedisDriver } from '@colyseus/redis-driver';
import { RedisPresence } from '@colyseus/redis-presence';
import { Wallet } from 'ethers';
import { registerAwardMetrics } from './awards/award-metrics.ts';
import { LeasedMinter } from './awards/leased-minter.ts';
import { AwardMinter } from './awards/minter.ts';
import { PROVEN_SUITE, ProvenLootSource, provenLootTables } from './awards/proven-loot.ts';
import { SqlAwardOutbox } from './awards/sql-award-outbox.ts';
import { SqlMintLog } from './awards/sql-mint-log.ts';
import { COIN_TOKEN_ID, TOKEN_IDS } from './awards/tokens.ts';
import { startChain } from './chain/chain.ts';
import { watchCourtPayoutLimit } from './chain/court-payout-limit.ts';
import { watchVrfKeySchedule } from './chain/vrf-key-schedule.ts';
import { MemorySeatRegistry } from './auth/seats.ts';
import { SignInService } from './auth/siwe.ts';
import { MemoryNonceStore } from './auth/nonce-store.ts';
import { ClusterNode, type Lease } from './cluster/cluster-node.ts';
import { PeerSync } from './cluster/peer-sync.ts';
import { RedisNonceStore } from './cluster/redis-nonces.ts';
import { RedisSeatRegistry } from './cluster/redis-seats.ts';
import { checkClusterBonusKey } from './cluster/shared-key-check.ts';
import { fewestRoomsPlacement } from './cluster/room-placement.ts';
import { ChipLedger } from './chips/chip-ledger.ts';
import { installEconomyRoutes } from './economy/cash-out-route.ts';
import { startEconomy } from './economy/economy-services.ts';
import { MIN_COURT_ANSWER_SECONDS, type Config } from './config.ts';
import { createFairnessContext } from './fairness/context.ts';
import { startFairnessChain } from './fairness-chain/fairness-chain.ts';
import { databaseAnswers, openDatabase } from './db/database.ts';
import { lockOwner } from './db/owner-lock.ts';
import { allOf, catchUpIndexes } from './indexes/record-index.ts';
import { SqlCommitmentRegistry } from './indexes/sql-commitments.ts';
import { SqlDrawIndex } from './indexes/sql-draws.ts';
import { createProverPool } from './fairness/prover.ts';
import { recoverRooms } from './fairness/recovery.ts';
import { SqlRoomRecords } from './fairness/room-records.ts';
import { RoomStore } from './fairness/room-store.ts';
import { installRoutes } from './http-routes.ts';
import { RateLimits } from './limits/rate-limits.ts';
import { RateLimitedServer } from './limits/rate-limited-server.ts';
import { createMetrics } from './metrics.ts';
import { startEconomyView } from './economy/start-economy-view.ts';
import { loadOrCreateBonusIpKey, loadOrCreateKeys, loadRetiredVrfKeys } from './keys.ts';
import { retiredProvers } from './court/retired-provers.ts';
import { loadServerGames, servedRules } from './games.ts';
import { ANSWERED_TOPIC } from './court/court-contract.ts';
import { startCourtWatcher } from './court/court-watcher.ts';
import { startDepositWatcher } from './economy/deposit-watcher.ts';
import { embeddedStateFile, persistedHeadReader } from './economy/persisted-head.ts';
import { readTestWithhold } from './court/test-withhold.ts';
import { provideServices } from './services.ts';
import { SqlRulesArchive } from './fairness/rules-archive.ts';
import { allowOwnOriginOnly } from './same-origin-cors.ts';
import { DamageReports } from './storage/damage.ts';
import { importPreviousVersion } from './storage/import-previous-version.ts';
import { lockDataDir } from './storage/data-dir-lock.ts';

export interface RunningServer {
  readonly port: number;
  /** Stops taking players, closes rooms (voiding unrevealed draws), flushes storage. */
  close(): Promise<void>;
}

export async function startServer(
  config: Config,
  log: Logger,
  /** Called when this process must stop at once (it lost its place in the cluster). */
  onFatal: (reason: string) => void = (reason) => log.fatal(reason),
): Promise<RunningServer> {
  // Before anything reads or writes DATA_DIR: a second server on it would corrupt it for good.
  // Cluster members share theirs (lone servers may not join them): see data-dir-lock.ts.
  const dirLock = lockDataDir(config.dataDir, config.redisUrl ? { sharedAs: `node-${config.nodeId}` } : {});
  try {
    const server = await startLockedServer(config, log, onFatal);
    return { port: server.port, close: () => server.close().finally(() => dirLock.release()) };
  } catch (e) {
    dirLock.release();
    throw e;
  }
}

async function startLockedServer(config: Config, log: Logger, onFatal: (reason: string) => void): Promise<RunningServer> {
  // A test switch that makes the server cheat: refused (the server does not start) outside NODE_ENV=test.
  const testWithhold = readTestWithhold();
  const withhold = testWithhold === 'void-revealed';
  if (testWithhold) log.warn(`FAIRPLAY_TEST_WITHHOLD=${testWithhold}: revealed draws are voided and court cases ${withhold ? 'left unanswered' : 'answered'} (tests only)`);
  const suite = getSuite(config.vrfSuite);
  const games = await loadServerGames();
  const keys = loadOrCreateKeys({ dataDir: config.dataDir, suite, log: (msg, fields) => log.warn(fields ?? {}, msg) });
  const cluster = config.redisUrl ? await ClusterNode.join(config.redisUrl, config.nodeId, onFatal) : undefined;
  // One bonus IP key for the whole cluster, or each process would give every IP its own bonus.
  if (cluster)
    await checkClusterBonusKey(cluster.redis, loadOrCreateBonusIpKey({ dataDir: config.dataDir, log: (msg, fields) => log.warn(fields ?? {}, msg) })).catch(async (err: unknown) => {
      await cluster.leave();
      throw err;
    });
  const metrics = createMetrics();
  // What start cannot read is set aside, reported and counted; the rest starts.
  const damage = new DamageReports(log, metrics.damaged);
  // The database (SQLite in DATA_DIR, or Postgres with DATABASE_URL), migrated before anything uses it.
  const database = await openDatabase({ dataDir: config.dataDir, databaseUrl: config.databaseUrl, log });
  const owner = cluster?.nodeId ?? 'local';
  // Before anything reads or writes rooms: on a shared PostgreSQL, one process per rooms owner (SQLite's file is in the locked DATA_DIR).
  const ownerLock = config.databaseUrl
    ? await lockOwner({ databaseUrl: config.databaseUrl, owner, log, onLost: onFatal }).catch(async (err: unknown) => {
        await database.close();
        await cluster?.leave();
        throw err;
      })
    : undefined;
  // The indexes over the transcripts, used commitments and players' draws, in the database:
  // shared by every process that shares it. A filed room they lack is read again from its transcript.
  const catchUp = async (): Promise<void> => {
    const read = await catchUpIndexes(index.parts, roomRecords, log);
    if (read > 0) log.info({ transcripts: read }, 'indexed transcripts the indexes lacked');
  };
  const keyId = vrfKeyId(suite.name, keys.vrfPublicKey);
  const commitments = new SqlCommitmentRegistry(database, keyId);
  const draws = new SqlDrawIndex(database);
  const index = allOf([commitments, draws]);
  const prover = metrics.timed(createProverPool({ suite: suite.name, secretKey: keys.vrfSecretKey.reveal(), threads: config.proverThreads || undefined }));
  const ctx = createFairnessContext({
    suite,
    vrfPublicKey: keys.vrfPublicKey,
    operatorKey: keys.operatorKey.reveal(),
    operatorAddress: keys.operatorAddress,
    prover,
    rules: servedRules(config),
    revealCourtWindowMs: config.revealCourtWindowSeconds * 1000,
    onRecord: metrics.recorded,
    commitments,
    index,
  });
  // Every rules document served, kept by hash: a court case on a receipt under earlier rules is answered under them.
  const rulesArchive = new SqlRulesArchive(database, log.child({ component: 'rules' }));
  await rulesArchive.keep(Object.values(ctx.rules).map((r) => r.document));
  ctx.pastRules.archive = rulesArchive;
  const chain = await startChain(
    config,
    {
      minterKey: keys.minterKey.reveal(),
      vrfKey: { keyId: ctx.keyId, suite: suite.name, publicKey: ctx.publicKeyHex },
      // On the suite the contract verifies, the raid's loot table goes on chain for mintWithProof.
      ...(suite.name === PROVEN_SUITE ? { lootTables: provenLootTables(ctx.rules) } : {}),
      fairness: {
        vrfKey: { keyId: ctx.keyId, suite: suite.name, publicKey: ctx.publicKeyHex },
        signer: ctx.receiptSigner,
        rules: Object.entries(ctx.rules).map(([game, r]) => ({ game, rulesHash: r.hash })),
        fairnessAddress: keys.fairnessAddress,
      },
    },
    log,
  );
  // A court deployed with a shorter window than this server's pending hold needs: such cases may be claimed.
  if (chain.fairness.answerWindowSeconds < MIN_COURT_ANSWER_SECONDS)
    log.warn({ court: chain.fairness.court, answerWindowSeconds: chain.fairness.answerWindowSeconds, minimum: MIN_COURT_ANSWER_SECONDS }, "the reveal court's answer window is shorter than this server needs: a case on a draw still pending in its room is answered only 300 s after its issue, and may be claimed first");
  // A receipt never promises more than the court's bond has free: read now and every minute.
  const courtPayoutLimit = await watchCourtPayoutLimit({ readFreeBond: () => chain.fairness.freeBond(), limit: ctx.courtPayoutLimit, log: log.child({ component: 'court-bond' }) });
  // On a suite the court verifies, no receipt under a key the registry does not have in force (the court would refuse its answer).
  ctx.vrfKeySchedule.watched = suite.name === PROVEN_SUITE;
  const vrfKeySchedule = ctx.vrfKeySchedule.watched
    ? await watchVrfKeySchedule({ read: () => chain.fairness.vrfKeyEntries(), holder: ctx.vrfKeySchedule, log: log.child({ component: 'vrf-key-schedule' }) })
    : undefined;
  // Rooms and their transcripts, in the database too: any process that shares it serves and settles them.
  const roomRecords = new SqlRoomRecords(database);
  const rooms = new RoomStore(roomRecords, owner, ctx);
  const chips = await ChipLedger.open(database, config.startingUnits, config.economy.bonusWagerMultiple);
  const awards = new SqlAwardOutbox(database, TOKEN_IDS);
  const mints = new SqlMintLog(database, chain.gameAssets);
  // What the version before the database left in DATA_DIR (transcripts, chips, awards, mints): imported once, then moved aside.
  await importPreviousVersion(config.dataDir, { rooms: roomRecords, owner, ownerOfNode: (id) => (cluster ? id : owner), chips, awards, mints }, log, damage);
  const makeMinter = (mayBroadcast?: () => boolean) =>
    new AwardMinter({
      ...(mayBroadcast ? { mayBroadcast } : {}),
      outbox: awards,
      mints,
      contract: chain.contract,
      wallet: chain.minter,
      provider: chain.provider,
      chainId: BigInt(chain.chainId),
      batchSize: config.mintBatchSize,
      minAwardAmounts: config.minAwardAmounts,
      confirmations: config.mintConfirmations,
      receiptTimeoutMs: config.mintReceiptTimeoutSeconds * 1000,
      // A public chain seals a block every few seconds: no need to ask 40 times a second.
      pollMs: chain.embedded ? 25 : 1000,
      whenChainReady: () => chain.whenReady(),
      observer: { minted: metrics.minted, failed: metrics.mintFailed },
      log: log.child({ component: 'minter' }),
      ...(suite.name === PROVEN_SUITE
        ? {
            proven: new ProvenLootSource(
              roomRecords,
              chain.contract,
              (rulesHash) => log.warn({ rulesHash }, 'GameAssets has no loot table for these rules: their raid loot is minted in batches, unproven'),
              (keyId) => log.warn({ keyId }, 'GameAssets does not hold this VRF key with its suite: its raid loot is minted in batches, unproven'),
            ),
          }
        : {}),
    });
  // One lease for the minter and the fairness key's sender: in a cluster one process sends both.
  const minterLease = cluster?.lease('minter', 10_000);
  const minting = minterLease ? new LeasedMinter({ lease: minterLease, outbox: awards, mints, makeMinter, log, minAwardAmounts: config.minAwardAmounts }) : soloMinter(makeMinter());
  const fairnessChain = startFairnessChain({
    database,
    registryAddress: chain.fairness.registry,
    wallet: new Wallet(keys.fairnessKey.reveal(), chain.provider),
    provider: chain.provider,
    chainId: BigInt(chain.chainId),
    confirmations: config.mintConfirmations,
    receiptTimeoutMs: config.mintReceiptTimeoutSeconds * 1000,
    anchorPeriodMs: config.anchorPeriodMs,
    pollMs: chain.embedded ? 25 : 1000,
    log,
    ...(minterLease ? { leader: () => minterLease.heldFor(2_000) } : {}),
    // The court's answers go out with the fairness key too, confirmed by the court's Answered event.
    moreTopics: new Map(chain.fairness.answeredCourts.map((court) => [court.toLowerCase(), ANSWERED_TOPIC])),
  });
  const nonceQuota = { perClient: config.siweNoncesPerClient, total: config.siweMaxNonces };
  const signIn = new SignInService({
    domain: config.siweDomain,
    uri: config.siweUri,
    chainId: Number(chain.chainId),
    nonceTtlMs: config.siweNonceTtlSeconds * 1000,
    nonces: cluster ? new RedisNonceStore(cluster.redis, nonceQuota) : new MemoryNonceStore(nonceQuota),
  });
  const seats = cluster ? new RedisSeatRegistry(cluster.redis, cluster.nodeId, config.maxSeatsPerAddress) : new MemorySeatRegistry(config.maxSeatsPerAddress);
  // The starting bonus's sybil gate and cash-outs (docs/economy.md).
  const economy = startEconomy({ config, database, chips, awards, seats, log });
  const recover = (deadOwner: string, lease: Lease) =>
    recoverRooms({ rooms: new RoomStore(roomRecords, deadOwner, ctx), chips, awards, index, log, damage, mayGoOn: () => lease.acquire() });
  const peers = cluster ? new PeerSync({ node: cluster, ownersWithOpenRooms: () => roomRecords.ownersWithOpenRooms(), recover, log }) : undefined;
  const rateLimits = RateLimits.create(
    config.rateLimits,
    { refused: metrics.rateLimited, storeFailed: (limit, err) => log.warn({ err, limit }, 'rate limit store failed: request let through') },
    config.redisUrl,
  );
  provideServices({ config, log, rooms, draws, fairness: ctx, chips, bonus: economy.bonus, awards, signIn, seats, rateLimits, damage, anchors: fairnessChain.anchors, rulesArchive });

  // In a cluster a survivor may be settling this process's rooms from its last run: wait for it.
  const ownRecovery = cluster?.lease(`recover:${cluster.nodeId}`, 60_000);
  while (ownRecovery && !(await ownRecovery.acquire())) await new Promise((r) => setTimeout(r, 500));
  const recovered = await recoverRooms({ rooms, chips, awards, index, log, damage, ...(ownRecovery ? { mayGoOn: () => ownRecovery.acquire() } : {}) });
  await ownRecovery?.release();
  if (recovered > 0) log.info({ recovered }, 'settled rooms left open by the previous run');
  // Filed rooms the indexes never saw (a first start, a lost index file, an empty Redis): read once, before any draw.
  await catchUp();
  metrics.watchOutbox(() => minting.pendingCount);
  registerAwardMetrics(metrics.registry, { contract: chain.contract, tokenIds: TOKEN_IDS, waiting: () => minting.waiting() });
  minting.start();
  // Answers every case brought to the reveal court, and to each earlier one that still takes the
  // server's receipts (they name no court), where the fairness key is sent from (court/court-watcher.ts).
  const courtProvers = retiredProvers(loadRetiredVrfKeys({ dataDir: config.dataDir, current: suite, all: Object.values(suites), log: (msg, fields) => log.warn(fields ?? {}, msg) }));
  const courtWatchers = chain.fairness.answeredCourts.map((court) =>
    startCourtWatcher({
      court,
      provider: chain.provider,
      transactions: {
        async submit({ id, to, data, finalRefusals }) {
          if (!fairnessChain.send({ id, to, data, finalRefusals })) throw new Error('this process does not send fairness transactions now');
        },
        drop: (id, reason) => fairnessChain.drop(id, reason),
      },
      rooms: roomRecords,
      prover,
      keyId: ctx.keyId,
      retiredProvers: courtProvers,
      rules: ctx.rules,
      pastRules: rulesArchive,
      chips,
      database,
      log,
      withhold,
      pollMs: chain.embedded ? 1000 : 5000,
      confirmations: config.mintConfirmations,
      ...(minterLease ? { mayRun: () => minterLease.heldFor(2_000) } : {}),
    }),
  );
  // Credits coins burned with GameAssets.deposit to chips, once each (economy/deposit-watcher.ts).
  const deposits = chain.deposits === 'unavailable' ? undefined : startDepositWatcher({
    gameAssets: chain.gameAssets,
    tokenId: COIN_TOKEN_ID,
    chainId: chain.chainId,
    provider: chain.provider,
    chips,
    database,
    log,
    pollMs: chain.embedded ? 250 : 5000,
    confirmations: config.mintConfirmations,
    ...(minterLease ? { mayRun: () => minterLease.heldFor(2_000) } : {}),
    // BONUS_AFTER_DEPOSIT_COINS: a first deposit that large brings the starting bonus (idempotent: once per address).
    afterCredit: async ({ address, coins }) => void (await economy.bonus.afterDeposit(address, coins)),
    // The embedded node loses the blocks after its last state write when killed: credit none of them.
    ...(chain.embedded ? { persistedHead: persistedHeadReader(embeddedStateFile(config.dataDir)) } : {}),
  });
  peers?.start();
  // Token supply samples, the economy's figures and Prometheus series, the coin reconciliation (economy/).
  const economyView = startEconomyView({ config, database, chain, ctx, registry: metrics.registry, log: log.child({ component: 'economy' }), ...(minterLease ? { mayWrite: () => minterLease.heldFor(2_000) } : {}) });

  // Slow clients are cut off: headers must arrive within the timeout, a whole request within
  // three times it, checked every second (Node's default check runs every 30 s). Every request
  // and upgrade passes the per-client rate limits first.
  const http = new RateLimitedServer(
    { headersTimeout: config.httpHeadersTimeoutSeconds * 1000, requestTimeout: config.httpHeadersTimeoutSeconds * 3000, connectionsCheckingInterval: 1000 },
    rateLimits,
    config.trustProxyHops,
  );
  allowOwnOriginOnly(config.publicUrl);
  const transport = new WebSocketTransport({ maxPayload: config.maxPayloadBytes, server: http });
  const server = defineServer({
    rooms: Object.fromEntries([...games].map(([id, game]) => [id, defineRoom(game.room)])),
    transport,
    greet: false,
    gracefullyShutdown: false,
    ...(cluster
      ? {
          presence: new RedisPresence(cluster.url),
          driver: new RedisDriver(cluster.url),
          publicAddress: config.publicAddress,
          selectProcessIdToCreateRoom: fewestRoomsPlacement(cluster.redis),
        }
      : {}),
    express: (app) => {
      // req.ip names the client as the rate limits do.
      app.set('trust proxy', config.trustProxyHops);
      installRoutes(app, ctx, chain, minting, metrics, { dialect: database.dialect, answers: () => databaseAnswers(database) }, cluster ? () => cluster.ping() : undefined, economyView);
      installEconomyRoutes(app, { cashier: economy.cashier, statuses: (ids) => minting.statuses(ids), economy: config.economy, startingChips: config.startingChips, log });
    },
  });
  await server.listen(config.port, config.host);
  const port = (transport.server?.address() as AddressInfo).port;
  log.info(
    { port, suite: suite.name, keyId: ctx.keyId, receiptSigner: ctx.receiptSigner, chainId: chain.chainId, gameAssets: chain.gameAssets, dataDir: config.dataDir, database: database.where, ...(cluster ? { nodeId: cluster.nodeId } : {}) },
    'fairplay listening',
  );

  return {
    port,
    async close() {
      await server.gracefullyShutdown(false);
      courtPayoutLimit.stop();
      vrfKeySchedule?.stop();
      await economyView.stop();
      await Promise.all(courtWatchers.map((w) => w.stop()));
      await deposits?.stop();
      await peers?.stop();
      await prover.close();
      await chips.close();
      await minting.stop();
      await fairnessChain.stop();
      await seats.close();
      await rateLimits.close();
      await awards.close();
      await Promise.all([commitments.settled(), draws.settled(), roomRecords.settled()]);
      await database.close();
      await ownerLock?.release();
      await cluster?.leave();
      await chain.close();
      provideServices(undefined);
    },
  };
}

/** The one process's minter, with the same face as the cluster's leased one. */
function soloMinter(minter: AwardMinter) {
  return {
    start: () => minter.start(),
    stop: () => minter.stop(),
    statuses: (awardIds: readonly string[]) => minter.statuses(awardIds),
    waiting: () => minter.waiting(),
    get pendingCount() {
      return minter.pendingCount ?? 0;
    },
  };
}
