/**
 * The HTTP surface beside the game: the fairness parameters that clients pin, room
 * transcripts, players' chips, awards and draws, sign-in nonces and health. Same port as the
 * WebSocket transport.
 * @module
 */
import { access, constants } from 'node:fs/promises';
import { join } from 'node:path';
import { matchMaker } from '@colyseus/core';
import express, { type Application, type Request, type Response } from 'express';
import { z } from 'zod';
import { PROTOCOL_TAG, PROTOCOL_VERSION } from '../vrf/protocol/alpha.ts';
import { UNITS_PER_CHIP } from '../games/chips.ts';
import { GAMES, gameRules, MAPPING_VERSIONS } from '../games/registry.ts';
import { DOMAIN_V2, DRAW_RECEIPT_COURT, RECORD_SEAL } from '../vrf/protocol/receipt.ts';
import { DRAW_MOVE, DRAW_REQUEST, SESSION_KEY_URN } from '../vrf/protocol/authorization.ts';
import { AddressSchema } from '../vrf/protocol/records.ts';
import { TRANSCRIPT_FORMAT } from '../vrf/protocol/transcript.ts';
import { TOKEN_IDS, TOKENS } from './awards/tokens.ts';
import type { AwardMinter } from './awards/minter.ts';
import type { Chain } from './chain/chain.ts';
import { CHAIN_RPC_PATH, installChainRpc } from './chain/rpc-proxy.ts';
import { Faucet, installFaucet } from './chain/faucet.ts';
import type { FairnessContext } from './fairness/context.ts';
import { DRAW_CURSOR } from './indexes/draws.ts';
import { CLIENT_DIST } from './client-dist.ts';
import { issueNonceFor } from './auth/nonce-route.ts';
import { CLIENT_KEY_HEADER } from './limits/client-ip.ts';
import type { ServerMetrics } from './metrics.ts';
import { serverGame } from './games.ts';
import { services } from './services.ts';
import { serveTranscript } from './transcript-route.ts';
import { serveAnchor, serveAnchorRange } from './fairness-chain/anchor-route.ts';
import { serveRules } from './fairness/rules-route.ts';
import { serveTxPage } from './tx-page.ts';
import { chipsAnswer } from './economy/chips-answer.ts';
import { refuseFraming } from './frame-guard.ts';
import type { EconomyService } from './economy/economy-service.ts';
import { installEconomyView } from './economy/economy-route.ts';

/** What GET /fairness answers: everything a verifier pins. */
export function fairnessInfo(ctx: FairnessContext, chain: ChainInfo): Record<string, unknown> {
  const { config } = services();
  return {
    suite: ctx.suite.name,
    keyId: ctx.keyId,
    publicKey: ctx.publicKeyHex,
    receiptSigner: ctx.receiptSigner,
    // version 2: every draw and move is authorised by its players, rules pinned by hash, every
    // record signed; alpha's own encoding is still version 1.
    protocol: { alpha: PROTOCOL_TAG, version: 2, alphaVersion: PROTOCOL_VERSION, transcript: TRANSCRIPT_FORMAT },
    receipt: { domain: DOMAIN_V2, types: DRAW_RECEIPT_COURT.types, primaryType: DRAW_RECEIPT_COURT.name },
    seal: { domain: DOMAIN_V2, types: RECORD_SEAL.types, primaryType: RECORD_SEAL.name },
    drawRequest: { domain: DOMAIN_V2, types: DRAW_REQUEST.types, primaryType: DRAW_REQUEST.name, sessionKeyResource: `${SESSION_KEY_URN}<address>` },
    drawMove: { domain: DOMAIN_V2, types: DRAW_MOVE.types, primaryType: DRAW_MOVE.name },
    mappings: MAPPING_VERSIONS,
    // The rules document of each game, as verifiers pin it; its hash is every receipt's rulesHash.
    rules: Object.fromEntries(Object.entries(ctx.rules).map(([game, r]) => [game, r.document])),
    // Amounts in records and balances are units; the terms and startingChips are whole chips.
    chips: { unitsPerChip: UNITS_PER_CHIP, startingChips: config.startingChips },
    // A player's awards of a token below its minimum wait for more and are minted together; a token not named here: 1 (docs/operations.md, Fair minting).
    awards: { minAmounts: Object.fromEntries(config.minAwardAmounts) },
    games: Object.fromEntries(
      GAMES.map((g) => [
        g.id,
        {
          title: g.title,
          maxClients: g.maxClients,
          mappings: Object.fromEntries(Object.entries(g.mappings).map(([kind, m]) => [kind, m.version])),
          rulesHash: ctx.rules[g.id]?.hash ?? null,
          terms: serverGame(g.id)?.terms?.(config) ?? {},
        },
      ]),
    ),
    // The server's own JSON-RPC endpoint (reads and raw transactions: rpc-proxy.ts), never the node's.
    chain: {
      chainId: chain.chainId,
      gameAssets: chain.gameAssets,
      // Whether coins can be deposited into chips (GameAssets.deposit): open, closed or unavailable.
      deposits: chain.deposits,
      rpcUrl: `${config.publicUrl}${CHAIN_RPC_PATH}`,
      // Where the VRF key, the receipt signer and each game's rules are registered (each change
      // binding only `changeDelaySeconds` after it is registered), and transcripts anchored.
      registry: chain.fairness.registry,
      changeDelaySeconds: chain.fairness.changeDelaySeconds,
      anchorPeriodMs: config.anchorPeriodMs,
      // Where a player takes a receipt whose draw was voided after its reveal (FAIRNESS.md section 10).
      court: {
        address: chain.fairness.court,
        answerWindowSeconds: chain.fairness.answerWindowSeconds,
        revealWindowSeconds: config.revealCourtWindowSeconds,
        // How long after its announcement a withdrawal of the court's bond may be made.
        withdrawDelaySeconds: chain.fairness.withdrawDelaySeconds,
        // The most coins a receipt may promise (its maxPayout): the court's free bond, read every minute; a bet that could pay more is refused.
        maxPayoutCoins: ctx.courtPayoutLimit.coins,
        // Courts used before this one: they still take the server's receipts, and it still answers there (minting-version ones pay nothing).
        earlier: chain.fairness.earlierCourts,
      },
    },
  };
}

/** What /fairness tells of the chain: where the tokens and the VRF key registry are. */
export type ChainInfo = Pick<Chain, 'chainId' | 'gameAssets' | 'contract' | 'relay' | 'fairness' | 'embedded' | 'provider' | 'deposits'>;

const count = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

const ClosedRoomsQuery = z.strictObject({
  status: z.literal('closed'),
  after: z.string().regex(/^\d{1,16}\.[A-Za-z0-9_-]{1,64}$/, 'a cursor from the previous page').optional(),
  limit: count.min(1).max(1000).optional(),
});

const DrawsQuery = z.strictObject({
  after: z.string().regex(DRAW_CURSOR, 'a cursor from the previous page (its next)').optional(),
  limit: count.min(1).max(1000).optional(),
  order: z.enum(['asc', 'desc']).optional(),
});

export function installRoutes(
  app: Application,
  ctx: FairnessContext,
  chain: ChainInfo,
  minter: Pick<AwardMinter, 'statuses'>,
  metrics: ServerMetrics,
  /** Whether the database answers, and which it is. */
  database: { readonly dialect: string; answers(): Promise<boolean> },
  /** Whether the cluster's Redis answers; undefined for one process. */
  redisAnswers?: () => Promise<boolean>,
  /** The economy's figures (GET /economy) and coin reconciliation (/health's `economy`). */
  economy?: Pick<EconomyService, 'report' | 'coins'>,
): void {
  // Every route below, the game's pages first among them, refuses to be framed (frame-guard.ts).
  app.use(refuseFraming);
  app.get('/fairness', (_req: Request, res: Response) => {
    res.json(fairnessInfo(ctx, chain));
  });
  installChainRpc(app, chain.relay);
  const { config, log } = services();
  installFaucet(app, new Faucet({ embedded: chain.embedded, provider: chain.provider, amountWei: config.faucetWei, recordFile: join(config.dataDir, 'chain', 'faucet.json'), log }));

  // A finished room's whole transcript (immutable, with an ETag), or a page of a room's records
  // with `from`, `total` and `next`: streamed from the stored rows (transcript-route.ts).
  app.get('/rooms/:roomId/transcript', serveTranscript);
  // An anchor: its root, its leaves (room heads) and its transaction (fairness-chain/anchor-route.ts).
  app.get('/anchors', serveAnchorRange);
  app.get('/anchors/:index', serveAnchor);
  // A rules document served now or before, by hash (fairness/rules-route.ts): immutable.
  app.get('/rules/:hash', serveRules);
  // A transaction on the chain and the tokens it moved, as an HTML page (tx-page.ts): the inventory's links.
  app.get('/tx/:hash', serveTxPage(chain.provider, chain.gameAssets));

  app.get('/auth/nonce', async (req: Request, res: Response) => {
    const { config, signIn } = services();
    // Counted under the key the rate-limited server worked out for this request (and wrote over
    // whatever the client sent in that header): one notion of a client for every limit.
    const issued = await issueNonceFor(signIn, req.get(CLIENT_KEY_HEADER) ?? 'unknown');
    if ('refused' in issued) return void res.status(429).set('Retry-After', String(issued.retryAfterSeconds)).json({ error: issued.refused });
    res.json({ ...issued, domain: config.siweDomain, uri: config.siweUri });
  });

  app.get('/players/:address/chips', async (req: Request, res: Response) => {
    const address = String(req.params['address']);
    if (!AddressSchema.safeParse(address).success) return void res.status(400).json({ error: 'address must be 0x and 40 hex digits' });
    const { chips, config, bonus } = services();
    res.json(await chipsAnswer(address, chips, config.economy, bonus));
  });

  // Every draw the address was a player of, oldest first (newest with `order=desc`), a page at a time (`after`: the previous
  // page's `next`; null after the last): where each receipt is in its room's transcript, and
  // whether the draw ended. From the draw index, so a page costs what it holds.
  app.get('/players/:address/draws', async (req: Request, res: Response) => {
    const address = String(req.params['address']);
    if (!AddressSchema.safeParse(address).success) return void res.status(400).json({ error: 'address must be 0x and 40 hex digits' });
    const query = DrawsQuery.safeParse(req.query);
    if (!query.success) return void res.status(400).json({ error: query.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; ') });
    const { after, limit = 100, order } = query.data;
    res.json({ address, ...(await services().draws.draws(address, { ...(after === undefined ? {} : { after }), limit, ...(order ? { order } : {}) })) });
  });

  // The browser client (built by npm start): the game at /, the transcript verifier at /verify.
  app.get('/verify', (_req: Request, res: Response) => res.sendFile(join(CLIENT_DIST, 'verify.html')));
  // The operator's view: the page /economy plots, or its figures as JSON (economy/economy-route.ts).
  if (economy) installEconomyView(app, economy);
  app.use(express.static(CLIENT_DIST, { index: 'index.html', dotfiles: 'ignore' }));

  // The lobby's room list (Colyseus' own listing is not in the 0.18 client). Colyseus' listing
  // counts a dropped player's seat until the reconnection grace (RECONNECT_GRACE_SECONDS) runs
  // out, so a room everyone dropped out of would stay listed that long with nobody in it: rooms
  // of this process are counted by their connected clients and left out at none. (Another
  // process's rooms keep the listing's count: the count of its clients is not in the listing.)
  // Finished rooms (`?status=closed`, paged by `after`): where each transcript ends, so every one can be fetched and checked whole.
  app.get('/rooms', async (req: Request, res: Response, next) => {
    if (req.query['status'] === undefined) return next();
    const query = ClosedRoomsQuery.safeParse(req.query);
    if (!query.success) return void res.status(400).json({ error: query.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; ') });
    res.json(await services().rooms.closedRooms({ ...(query.data.after ? { after: query.data.after } : {}), limit: query.data.limit ?? 100 }));
  });

  app.get('/rooms', async (req: Request, res: Response) => {
    const game = String(req.query['game'] ?? '');
    if (!gameRules(game)) return void res.status(400).json({ error: `game must be one of ${GAMES.map((g) => g.id).join(', ')}` });
    const rooms = await matchMaker.query({ name: game, private: false });
    const listed = rooms
      .filter((r) => !r.locked)
      .map((r) => ({ roomId: r.roomId, clients: r.clients, connected: matchMaker.getLocalRoomById(r.roomId)?.clients.length ?? r.clients, maxClients: r.maxClients }))
      .filter((r) => r.connected > 0);
    res.json(listed);
  });

  // Status: pending, accumulating (below its token's minimum: have, need), capped (until the next epoch) or minted with its transaction; the balance is the chain's.
  app.get('/players/:address/awards', async (req: Request, res: Response) => {
    const address = String(req.params['address']);
    if (!AddressSchema.safeParse(address).success) return void res.status(400).json({ error: 'address must be 0x and 40 hex digits' });
    const owned = await services().awards.awardsOf(address);
    const statuses = await minter.statuses(owned.map((a) => a.awardId));
    const awards = owned.map((a, i) => ({ ...a, ...statuses[i]! }));
    const tokenIds = [...new Set(awards.map((a) => a.tokenId).concat(TOKEN_IDS))];
    try {
      const balances = await Promise.all(tokenIds.map(async (id) => [id, String(await chain.contract.getFunction('balanceOf')(address, id))] as const));
      res.json({ address, awards, balances: Object.fromEntries(balances) });
    } catch (e) {
      // The awards are ours to tell; only the balances need the chain.
      res.json({ address, awards, balances: null, chainError: `the chain did not answer: ${(e as Error).message.slice(0, 200)}` });
    }
  });

  // ERC-1155 metadata at the contract's URI; the client substitutes {id} as 64 hex digits.
  app.get('/assets/:file', (req: Request, res: Response) => {
    const match = /^([0-9a-fA-F]{64})\.json$/.exec(String(req.params['file']));
    const token = match ? TOKENS.get(Number.parseInt(match[1]!, 16)) : undefined;
    if (!token) return void res.status(404).json({ error: 'no such token: the URI is /assets/<id as 64 hex digits>.json' });
    res.json(token);
  });

  app.get('/metrics', async (_req: Request, res: Response) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  // 200 when storage and chain answer, 503 with what failed otherwise. The game itself runs
  // without the chain (awards wait in the outbox), so a 503 for the chain alone is a warning.
  app.get('/health', async (_req: Request, res: Response) => {
    const { config } = services();
    const [storage, chainState, db, redis, coins] = await Promise.all([
      access(config.dataDir, constants.W_OK).then(() => ({ ok: true }), (e: Error) => ({ ok: false, error: e.message })),
      withTimeout(chain.contract.runner!.provider!.getBlockNumber(), 2000).then(
        (blockNumber) => ({ ok: true, blockNumber, deposits: chain.deposits }),
        (e: Error) => ({ ok: false, error: e.message.slice(0, 200) }),
      ),
      database.answers().then((ok) => (ok ? { ok, dialect: database.dialect } : { ok, dialect: database.dialect, error: 'the database did not answer within 2 s' })),
      redisAnswers
        ? redisAnswers().then((ok) => (ok ? { ok, configured: true } : { ok, configured: true, error: 'Redis did not answer PING within 2 s' }))
        : { ok: true, configured: false },
      // Coins on chain against cash-outs and deposits (economy/reconciliation.ts): shown, never failing health.
      economy?.coins(),
    ]);
    const ok = storage.ok && chainState.ok && db.ok && redis.ok;
    // Damage a start set aside is a warning, not a failure: the server runs without it.
    const damaged = services().damage?.list() ?? [];
    res.status(ok ? 200 : 503).json({ ok, storage, chain: chainState, database: db, redis, ...(coins ? { economy: coins } : {}), ...(damaged.length ? { warnings: { damaged } } : {}) });
  });
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  return Promise.race([work, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms).unref())]);
}
