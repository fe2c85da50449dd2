/**
 * Builds the game server from its parts: keys, the prover pool, storage, sign-in, crash
 * recovery, the Colyseus rooms and the HTTP routes, all on one port.
 * @module
 */
import './node20-websocket.ts';
import { createServer } from 'node:http';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { defineRoom, defineServer } from '@colyseus/core';
import { WebSocketTransport } from '@colyseus/ws-transport';
import type { Logger } from 'pino';
import { getSuite } from '../vrf/index.ts';
import { JournalAwardSink } from './awards/award-sink.ts';
import { MintLog } from './awards/mint-log.ts';
import { AwardMinter } from './awards/minter.ts';
import { TOKEN_IDS } from './awards/tokens.ts';
import { startChain } from './chain/chain.ts';
import { SignInService } from './auth/siwe.ts';
import { ChipLedger } from './chips/chip-ledger.ts';
import type { Config } from './config.ts';
import { createFairnessContext } from './fairness/context.ts';
import { createProverPool } from './fairness/prover.ts';
import { recoverRooms } from './fairness/recovery.ts';
import { RoomStore } from './fairness/room-store.ts';
import { installRoutes } from './http-routes.ts';
import { createMetrics } from './metrics.ts';
import { loadOrCreateKeys } from './keys.ts';
import { DiceRoom } from './rooms/dice-room.ts';
import { RaidRoom } from './rooms/raid-room.ts';
import { provideServices } from './services.ts';

export interface RunningServer {
  readonly port: number;
  /** Stops taking players, closes rooms (voiding unrevealed draws), flushes storage. */
  close(): Promise<void>;
}

export async function startServer(config: Config, log: Logger): Promise<RunningServer> {
  const suite = getSuite(config.vrfSuite);
  const keys = loadOrCreateKeys({ dataDir: config.dataDir, suite, log: (msg, fields) => log.warn(fields ?? {}, msg) });
  const metrics = createMetrics();
  const prover = metrics.timed(createProverPool({ suite: suite.name, secretKey: keys.vrfSecretKey.reveal() }));
  const ctx = createFairnessContext({
    suite,
    vrfPublicKey: keys.vrfPublicKey,
    operatorKey: keys.operatorKey.reveal(),
    operatorAddress: keys.operatorAddress,
    prover,
    onRecord: metrics.recorded,
  });
  const chain = await startChain(
    config,
    { minterKey: keys.minterKey.reveal(), vrfKey: { keyId: ctx.keyId, suite: suite.name, publicKey: ctx.publicKeyHex } },
    log,
  );
  const rooms = new RoomStore(config.dataDir, ctx);
  await rooms.init();
  const chips = await ChipLedger.open(join(config.dataDir, 'chips.jsonl'), config.startingChips);
  const awards = await JournalAwardSink.open(join(config.dataDir, 'awards.jsonl'), TOKEN_IDS);
  const mints = await MintLog.open(join(config.dataDir, 'mints.jsonl'), chain.gameAssets);
  const minter = new AwardMinter({
    outbox: awards,
    mints,
    contract: chain.contract,
    wallet: chain.minter,
    provider: chain.provider,
    chainId: BigInt(chain.chainId),
    batchSize: config.mintBatchSize,
    confirmations: config.mintConfirmations,
    receiptTimeoutMs: config.mintReceiptTimeoutSeconds * 1000,
    // A public chain seals a block every few seconds: no need to ask 40 times a second.
    pollMs: chain.embeddedRpcUrl ? 25 : 1000,
    whenChainReady: () => chain.whenReady(),
    observer: { minted: metrics.minted, failed: metrics.mintFailed },
    log: log.child({ component: 'minter' }),
  });
  const signIn = new SignInService({ domain: config.siweDomain, uri: config.siweUri, nonceTtlMs: config.siweNonceTtlSeconds * 1000 });
  provideServices({ config, log, rooms, chips, awards, signIn });

  const recovered = await recoverRooms({ rooms, chips, awards, log });
  if (recovered > 0) log.info({ recovered }, 'settled rooms left open by the previous run');
  metrics.watchOutbox(() => minter.pendingCount);
  minter.start();

  // Slow clients are cut off: headers must arrive within the timeout, a whole request within
  // three times it, checked every second (Node's default check runs every 30 s).
  const http = createServer({
    headersTimeout: config.httpHeadersTimeoutSeconds * 1000,
    requestTimeout: config.httpHeadersTimeoutSeconds * 3000,
    connectionsCheckingInterval: 1000,
  });
  const transport = new WebSocketTransport({ maxPayload: config.maxPayloadBytes, server: http });
  const server = defineServer({
    rooms: { dice: defineRoom(DiceRoom), raid: defineRoom(RaidRoom) },
    transport,
    greet: false,
    gracefullyShutdown: false,
    express: (app) => installRoutes(app, ctx, chain, minter, metrics),
  });
  await server.listen(config.port, config.host);
  const port = (transport.server?.address() as AddressInfo).port;
  log.info(
    { port, suite: suite.name, keyId: ctx.keyId, receiptSigner: ctx.receiptSigner, chainId: chain.chainId, gameAssets: chain.gameAssets, dataDir: config.dataDir },
    'fairplay listening',
  );

  return {
    port,
    async close() {
      await server.gracefullyShutdown(false);
      await prover.close();
      await chips.close();
      await minter.stop();
      await awards.close();
      await mints.close();
      await chain.close();
      provideServices(undefined);
    },
  };
}
