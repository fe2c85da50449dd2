/**
 * Server configuration from environment variables, validated once at startup so that a typo
 * fails fast with a message naming the variable instead of surfacing later as odd behaviour.
 * With nothing set, the defaults give a working local server (`npm start`).
 *
 * An empty variable (`PORT=`) counts as unset, because `.env` files and compose templates
 * commonly produce empty strings for "not configured".
 *
 * Two more variables exist but are deliberately not part of `Config`, so that secrets never
 * travel inside an object that gets logged or passed around (see `keys.ts`):
 * - `VRF_SECRET_KEY`: hex secret key for the VRF suite; overrides `${DATA_DIR}/keys/vrf-<suite>.key`
 *   and is never written to disk.
 * - `OPERATOR_KEY`: hex secp256k1 private key (with or without `0x`) that signs EIP-712
 *   receipts; overrides `${DATA_DIR}/keys/operator.key` and is never written to disk.
 * @module
 */
import { hostname } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import type { LevelWithSilent } from 'pino';
import { unitsOfChips } from '../games/chips.ts';
import { isSuiteName, suites, type SuiteName } from '../vrf/index.ts';
import { parseMinAwardAmounts, type MinAwardAmounts } from './awards/min-award-amounts.ts';
import { TOKEN_IDS } from './awards/tokens.ts';

/** The bonus rule, the sybil gate on the bonus, and cash-outs (docs/economy.md, docs/operations.md). */
export interface EconomyConfig {
  /** `BONUS_WAGER_MULTIPLE`: chips to bet, as a multiple of the bonus, before winnings may be cashed out. Default 30, in [0, 1000]. */
  readonly bonusWagerMultiple: number;
  /** `BONUS_WINDOW_SECONDS`: the window the gate counts bonuses in. Default 86400, in [1, 31536000]. */
  readonly bonusWindowSeconds: number;
  /** `BONUS_PER_IP`: bonuses per client IP (IPv6: per /64) per window. Default 1, in [0, 1000000000]. */
  readonly bonusPerIp: number;
  /** `BONUS_PER_SESSION_KEY`: bonuses per sign-in session key per window. Default 1, in [0, 1000000000]. */
  readonly bonusPerSessionKey: number;
  /** `BONUS_AFTER_DEPOSIT_COINS`: if > 0, the bonus comes only with a first deposit of at least this many coins. Default 0. */
  readonly bonusAfterDepositCoins: number;
  /** `MIN_CASHOUT_COINS`: the smallest cash-out, in coins. Default 10, in [1, 1000000000]. */
  readonly minCashOutCoins: number;
}

export interface Config {
  /** `PORT`: TCP port to listen on. Default 2567; 0 picks any free port. */
  readonly port: number;
  /** `HOST`: interface to bind. Default `0.0.0.0` (all IPv4 interfaces). */
  readonly host: string;
  /** `DATA_DIR`: where keys and journals live. Default `./data`, resolved to an absolute path. */
  readonly dataDir: string;
  /** `LOG_LEVEL`: one of fatal, error, warn, info, debug, trace, silent. Default `info`. */
  readonly logLevel: LevelWithSilent;
  /** `VRF_SUITE`: RFC 9381 suite name. Default `ECVRF-EDWARDS25519-SHA512-TAI`. */
  readonly vrfSuite: SuiteName;
  /**
   * `PUBLIC_URL`: the http(s) URL players use to reach the server, without path, query or
   * fragment. Default `http://localhost:${PORT}` (with PORT=0 that default names no real port:
   * set PUBLIC_URL explicitly when clients must sign in).
   */
  readonly publicUrl: string;
  /** Sign-In-with-Ethereum `domain`: host[:port] of PUBLIC_URL (default ports omitted). */
  readonly siweDomain: string;
  /** Sign-In-with-Ethereum `uri`: PUBLIC_URL. */
  readonly siweUri: string;
  /** `SIWE_NONCE_TTL_SECONDS`: how long a sign-in nonce stays valid. Default 300, in [1, 86400]. */
  readonly siweNonceTtlSeconds: number;
  /** `SIWE_NONCES_PER_CLIENT`: unused sign-in nonces one client IP (IPv6: one /64) may hold. Default 32, in [1, 100000]. */
  readonly siweNoncesPerClient: number;
  /** `SIWE_MAX_NONCES`: unused sign-in nonces the server holds in all. Default 100000, in [1, 10000000]. */
  readonly siweMaxNonces: number;
  /** `RECONNECT_GRACE_SECONDS`: how long a dropped player keeps their seat. Default 20, in [0, 3600]. */
  readonly reconnectGraceSeconds: number;
  /** `MAX_MESSAGES_PER_SECOND`: per-client message rate limit. Default 20, in [1, 10000]. */
  readonly maxMessagesPerSecond: number;
  /** `MAX_PAYLOAD_BYTES`: largest accepted client message. Default 4096, in [64, 1048576]. */
  readonly maxPayloadBytes: number;
  /** `PROVER_THREADS`: worker threads proving draws; 0 (the default) for one per usable core (`os.availableParallelism()` capped by the cgroup CPU quota). In [0, 256]. */
  readonly proverThreads: number;
  /** `STARTING_CHIPS`: the starting bonus in whole chips, granted once to an address at its first room join if the bonus gate allows (never cashed out). Default 1000, in [0, 1000000000]. */
  readonly startingChips: number;
  /** STARTING_CHIPS in units (`games/chips.ts`), what the ledger credits. */
  readonly startingUnits: number;
  /** The starting bonus and cash-outs (docs/economy.md). */
  readonly economy: EconomyConfig;
  /** `HOUSE_EDGE_BPS`: house edge in basis points (100 = 1%). Default 100, in [0, 1000]. */
  readonly houseEdgeBps: number;
  /** `REVEAL_COURT_WINDOW_SECONDS`: how long after its issue a receipt may be taken to the reveal court (its `revealDeadline`). Default 86400, in [3600, 2592000]. */
  readonly revealCourtWindowSeconds: number;
  /**
   * `MAX_BET`: largest single stake in whole chips. Default 100000, in [1, 10000000] (so that a
   * win at the longest odds, 100 times the stake in units, is still a safe integer).
   */
  readonly maxBet: number;
  /** MAX_BET in units (`games/chips.ts`), what rooms compare a stake with. */
  readonly maxBetUnits: number;
  /**
   * `CHAIN_RPC_URL`: JSON-RPC URL of the EVM chain awards are minted on. Unset (the default):
   * the server runs its own node (anvil) on loopback, with its state in `${DATA_DIR}/chain`.
   */
  readonly chainRpcUrl: string | undefined;
  /** `GAME_ASSETS_ADDRESS`: the deployed GameAssets contract; required with CHAIN_RPC_URL. */
  readonly gameAssetsAddress: string | undefined;
  /** `FAIRNESS_REGISTRY_ADDRESS` / `REVEAL_COURT_ADDRESS`: the deployed fairness contracts; required with CHAIN_RPC_URL. */
  readonly fairnessRegistryAddress: string | undefined;
  readonly revealCourtAddress: string | undefined;
  /**
   * `EARLIER_COURT_ADDRESSES`: comma-separated reveal courts the server used before REVEAL_COURT_ADDRESS
   * (or before its deployment record kept them): it goes on answering there, since they still take
   * its receipts. Default none.
   */
  readonly earlierCourtAddresses: readonly string[];
  /** `FAIRNESS_CHANGE_DELAY_SECONDS`: on a newly deployed registry, how long a registered change waits before it binds. Default 86400, in [1, 31536000]. */
  readonly fairnessChangeDelaySeconds: number;
  /** `COURT_ANSWER_SECONDS`: on a newly deployed court, how long the server has to answer a reveal. Default 21600 (6 h), in [MIN_COURT_ANSWER_SECONDS (900), 2592000]. */
  readonly courtAnswerSeconds: number;
  /**
   * `COURT_BOND_COINS`: on the embedded chain, the coins minted to a newly deployed court as the bond
   * it pays claims from (an answer pays 0 coins: the draw is settled in chips). Default 1000000; at most COIN_PLAYER_EPOCH_CAP and COIN_EPOCH_CAP (the mint counts against them).
   */
  readonly courtBondCoins: number;
  /** `COURT_WITHDRAW_DELAY_SECONDS`: on a newly deployed court, how long a withdrawal of bond waits after it is announced. Default 604800 (7 days), in [3600, 31536000], at least REVEAL_COURT_WINDOW_SECONDS. */
  readonly courtWithdrawDelaySeconds: number;
  /** `AWARD_EPOCH_SECONDS`: length of an emission-cap epoch on a newly deployed contract. Default 86400. */
  readonly awardEpochSeconds: number;
  /** `ECONOMY_SAMPLE_SECONDS`: how often token supplies are sampled for /economy and its Prometheus series are refreshed. Default 60. */
  readonly economySampleSeconds: number;
  /** `COIN_EPOCH_CAP` / `COIN_PLAYER_EPOCH_CAP`: coins (token 1) mintable per epoch, in all and per player. */
  readonly coinEpochCap: number;
  readonly coinPlayerEpochCap: number;
  /** `HTTP_HEADERS_TIMEOUT_SECONDS`: a connection whose request headers take longer is closed (slow-loris). Default 10, in [1, 300]. */
  readonly httpHeadersTimeoutSeconds: number;
  /** `RAID_ROUND_SECONDS`: how long a treasure-raid round lasts once its chests stand. Default 90, in [5, 3600]. */
  readonly raidRoundSeconds: number;
  /** `MINT_BATCH_SIZE`: most awards in one mint transaction. Default 100, in [1, 500]. */
  readonly mintBatchSize: number;
  /** `MIN_AWARD_AMOUNTS`: `"<tokenId>:<amount>,..."`, the least a player's pending awards of a token are minted at, together (cash-outs excepted). Default empty: 1 for every token. */
  readonly minAwardAmounts: MinAwardAmounts;
  /** `MINT_CONFIRMATIONS`: blocks (the receipt's own included) before an award counts as minted. Default 1, in [1, 1000]. */
  readonly mintConfirmations: number;
  /** `MINT_RECEIPT_TIMEOUT_SECONDS`: wait for a receipt before re-checking the chain and resending. Default 30, in [1, 3600]. */
  readonly mintReceiptTimeoutSeconds: number;
  /** `ANCHOR_PERIOD_MS`: how often the changed room heads are anchored on the fairness registry. Default 60000, in [1000, 86400000]. */
  readonly anchorPeriodMs: number;
  /** `MAX_SEATS_PER_ADDRESS`: rooms one player may sit in at once (across the cluster). Default 4, in [1, 100]. */
  readonly maxSeatsPerAddress: number;
  /** `FAUCET_WEI`: wei the embedded chain's faucet pays a signed-in address, once a day (chain/faucet.ts). Default 10^16 (0.01 ether), at most 10^18; 0 turns it off. */
  readonly faucetWei: bigint;
  /**
   * `REDIS_URL`: redis:// URL of the Redis that several server processes share (matchmaking,
   * sign-in nonces, seats, leases). Unset: one process on its own. Needs CHAIN_RPC_URL, and every
   * process of the cluster needs the same DATA_DIR (a shared directory or volume).
   */
  readonly redisUrl: string | undefined;
  /**
   * `DATABASE_URL`: postgres:// (or postgresql://) URL of the PostgreSQL database every process
   * of a cluster shares. Unset: SQLite in `${DATA_DIR}/fairplay.db` (shared by the processes of
   * one host).
   */
  readonly databaseUrl: string | undefined;
  /** `NODE_ID`: this process's name in the cluster, unique and stable across its restarts. Default `<hostname>-<PORT>`. */
  readonly nodeId: string;
  /** `PUBLIC_ADDRESS`: host:port where clients reach this very process (Colyseus' publicAddress). Default: none (one process). */
  readonly publicAddress: string | undefined;
  /**
   * `TRUST_PROXY`: how many reverse proxies in front of the server append the client's address to
   * X-Forwarded-For. Default 0: the TCP peer is the client and the header is ignored (anyone can
   * write it). In [0, 10].
   */
  readonly trustProxyHops: number;
  /** Requests each client may make per window before a 429 (`limits/rate-limits.ts`; docs/operations.md, Rate limits). */
  readonly rateLimits: RateLimitConfig;
}

/** Points per `windowSeconds` for each bucket; 0 turns a bucket off. */
export interface RateLimitConfig {
  /** `RATE_LIMIT_WINDOW_SECONDS`: the window every bucket counts in. Default 60, in [1, 3600]. */
  readonly windowSeconds: number;
  /** `RATE_LIMIT_HTTP`: HTTP requests (WebSocket upgrades and static files included) per client IP. Default 1200. */
  readonly http: number;
  /** `RATE_LIMIT_EXPENSIVE`: requests per client IP to the routes that cost the server most (whole transcripts, awards, nonces). Default 120. */
  readonly expensive: number;
  /** `RATE_LIMIT_JOINS`: matchmaking requests (join, create, reconnect) per client IP. Default 60. */
  readonly joins: number;
  /** `RATE_LIMIT_ROOM_CREATES`: rooms a signed-in address may create. Default 10. */
  readonly roomCreates: number;
  /** `RATE_LIMIT_ROOM_CREATES_PER_IP`: rooms the signed-in addresses of one client IP may create together (sign-in keys are free). Default 30. */
  readonly roomCreatesPerIp: number;
}

/**
 * The shortest court answer window this server can keep: three times the pending hold of
 * court/case-answer.ts (300 s), so an answer held that long still reaches the chain before answerBy.
 */
export const MIN_COURT_ANSWER_SECONDS = 900;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const satisfies readonly LevelWithSilent[];

/** An unset or empty variable reads as undefined; the value is trimmed otherwise. */
const raw = z
  .string()
  .optional()
  .transform((s) => (s === undefined || s.trim() === '' ? undefined : s.trim()));

const got = (value: string) => `got ${JSON.stringify(value)}`;

function integer(name: string, fallback: number, min: number, max: number) {
  return raw.transform((value, ctx) => {
    if (value === undefined) return fallback;
    const n = /^[+-]?\d+$/.test(value) ? Number(value) : Number.NaN;
    if (Number.isSafeInteger(n) && n >= min && n <= max) return n;
    ctx.addIssue({ code: 'custom', message: `${name} must be an integer in [${min}, ${max}], ${got(value)}` });
    return z.NEVER;
  });
}

const withDefault = (fallback: string) => raw.transform((value) => value ?? fallback);

const schema = z.object({
  PORT: integer('PORT', 2567, 0, 65535),
  HOST: withDefault('0.0.0.0'),
  DATA_DIR: withDefault('./data').transform((dir) => path.resolve(dir)),
  LOG_LEVEL: withDefault('info').transform((value, ctx) => {
    const level = LOG_LEVELS.find((known) => known === value.toLowerCase());
    if (level) return level;
    ctx.addIssue({ code: 'custom', message: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, ${got(value)}` });
    return z.NEVER;
  }),
  VRF_SUITE: raw.transform((value, ctx): SuiteName => {
    const name = value ?? 'ECVRF-EDWARDS25519-SHA512-TAI';
    if (isSuiteName(name)) return name;
    ctx.addIssue({ code: 'custom', message: `VRF_SUITE must be one of ${Object.keys(suites).join(', ')}, ${got(name)}` });
    return z.NEVER;
  }),
  PUBLIC_URL: raw.transform((value, ctx) => {
    if (value === undefined) return undefined;
    const url = parsePublicUrl(value);
    if (typeof url !== 'string') return url;
    ctx.addIssue({ code: 'custom', message: url });
    return z.NEVER;
  }),
  SIWE_NONCE_TTL_SECONDS: integer('SIWE_NONCE_TTL_SECONDS', 300, 1, 86_400),
  SIWE_NONCES_PER_CLIENT: integer('SIWE_NONCES_PER_CLIENT', 32, 1, 100_000),
  SIWE_MAX_NONCES: integer('SIWE_MAX_NONCES', 100_000, 1, 10_000_000),
  RECONNECT_GRACE_SECONDS: integer('RECONNECT_GRACE_SECONDS', 20, 0, 3600),
  MAX_MESSAGES_PER_SECOND: integer('MAX_MESSAGES_PER_SECOND', 20, 1, 10_000),
  MAX_PAYLOAD_BYTES: integer('MAX_PAYLOAD_BYTES', 4096, 64, 1_048_576),
  PROVER_THREADS: integer('PROVER_THREADS', 0, 0, 256),
  STARTING_CHIPS: integer('STARTING_CHIPS', 1000, 0, 1_000_000_000),
  BONUS_WAGER_MULTIPLE: integer('BONUS_WAGER_MULTIPLE', 30, 0, 1000),
  BONUS_WINDOW_SECONDS: integer('BONUS_WINDOW_SECONDS', 86_400, 1, 31_536_000),
  BONUS_PER_IP: integer('BONUS_PER_IP', 1, 0, 1_000_000_000),
  BONUS_PER_SESSION_KEY: integer('BONUS_PER_SESSION_KEY', 1, 0, 1_000_000_000),
  BONUS_AFTER_DEPOSIT_COINS: integer('BONUS_AFTER_DEPOSIT_COINS', 0, 0, 1_000_000_000),
  MIN_CASHOUT_COINS: integer('MIN_CASHOUT_COINS', 10, 1, 1_000_000_000),
  HOUSE_EDGE_BPS: integer('HOUSE_EDGE_BPS', 100, 0, 1000),
  REVEAL_COURT_WINDOW_SECONDS: integer('REVEAL_COURT_WINDOW_SECONDS', 86_400, 3_600, 2_592_000),
  MAX_BET: integer('MAX_BET', 100_000, 1, 10_000_000),
  CHAIN_RPC_URL: raw.transform((value, ctx) => {
    if (value === undefined || /^https?:\/\/[^\s]+$/.test(value)) return value;
    ctx.addIssue({ code: 'custom', message: `CHAIN_RPC_URL must be an http(s) URL, ${got(value)}` });
    return z.NEVER;
  }),
  GAME_ASSETS_ADDRESS: raw.transform((value, ctx) => {
    if (value === undefined || /^0x[0-9a-fA-F]{40}$/.test(value)) return value;
    ctx.addIssue({ code: 'custom', message: `GAME_ASSETS_ADDRESS must be 0x and 40 hex digits, ${got(value)}` });
    return z.NEVER;
  }),
  FAIRNESS_REGISTRY_ADDRESS: raw.transform((value, ctx) => {
    if (value === undefined || /^0x[0-9a-fA-F]{40}$/.test(value)) return value;
    ctx.addIssue({ code: 'custom', message: `FAIRNESS_REGISTRY_ADDRESS must be 0x and 40 hex digits, ${got(value)}` });
    return z.NEVER;
  }),
  REVEAL_COURT_ADDRESS: raw.transform((value, ctx) => {
    if (value === undefined || /^0x[0-9a-fA-F]{40}$/.test(value)) return value;
    ctx.addIssue({ code: 'custom', message: `REVEAL_COURT_ADDRESS must be 0x and 40 hex digits, ${got(value)}` });
    return z.NEVER;
  }),
  EARLIER_COURT_ADDRESSES: raw.transform((value, ctx) => {
    const list = (value ?? '').split(',').map((a) => a.trim()).filter((a) => a !== '');
    const bad = list.filter((a) => !/^0x[0-9a-fA-F]{40}$/.test(a));
    if (bad.length === 0) return list;
    ctx.addIssue({ code: 'custom', message: `EARLIER_COURT_ADDRESSES must be comma-separated addresses, each 0x and 40 hex digits, ${got(bad.join(','))}` });
    return z.NEVER;
  }),
  FAIRNESS_CHANGE_DELAY_SECONDS: integer('FAIRNESS_CHANGE_DELAY_SECONDS', 86_400, 1, 31_536_000),
  COURT_ANSWER_SECONDS: integer('COURT_ANSWER_SECONDS', 21_600, 0, 2_592_000),
  COURT_BOND_COINS: integer('COURT_BOND_COINS', 1_000_000, 0, Number.MAX_SAFE_INTEGER),
  COURT_WITHDRAW_DELAY_SECONDS: integer('COURT_WITHDRAW_DELAY_SECONDS', 604_800, 3_600, 31_536_000),
  AWARD_EPOCH_SECONDS: integer('AWARD_EPOCH_SECONDS', 86_400, 1, 31_536_000),
  ECONOMY_SAMPLE_SECONDS: integer('ECONOMY_SAMPLE_SECONDS', 60, 1, 86_400),
  COIN_EPOCH_CAP: integer('COIN_EPOCH_CAP', 100_000_000, 0, Number.MAX_SAFE_INTEGER),
  COIN_PLAYER_EPOCH_CAP: integer('COIN_PLAYER_EPOCH_CAP', 1_000_000, 0, Number.MAX_SAFE_INTEGER),
  MINT_BATCH_SIZE: integer('MINT_BATCH_SIZE', 100, 1, 500),
  MIN_AWARD_AMOUNTS: raw.transform((value, ctx) => {
    const parsed = parseMinAwardAmounts(value ?? '', TOKEN_IDS);
    if (typeof parsed !== 'string') return parsed;
    ctx.addIssue({ code: 'custom', message: parsed });
    return z.NEVER;
  }),
  RAID_ROUND_SECONDS: integer('RAID_ROUND_SECONDS', 90, 5, 3600),
  HTTP_HEADERS_TIMEOUT_SECONDS: integer('HTTP_HEADERS_TIMEOUT_SECONDS', 10, 1, 300),
  MINT_CONFIRMATIONS: integer('MINT_CONFIRMATIONS', 1, 1, 1000),
  MINT_RECEIPT_TIMEOUT_SECONDS: integer('MINT_RECEIPT_TIMEOUT_SECONDS', 30, 1, 3600),
  ANCHOR_PERIOD_MS: integer('ANCHOR_PERIOD_MS', 60_000, 1_000, 86_400_000),
  MAX_SEATS_PER_ADDRESS: integer('MAX_SEATS_PER_ADDRESS', 4, 1, 100),
  FAUCET_WEI: raw.transform((value, ctx) => {
    if (value === undefined) return 10n ** 16n;
    if (/^\d{1,19}$/.test(value) && BigInt(value) <= 10n ** 18n) return BigInt(value);
    ctx.addIssue({ code: 'custom', message: `FAUCET_WEI must be an integer in [0, 10^18] (wei), ${got(value)}` });
    return z.NEVER;
  }),
  REDIS_URL: raw.transform((value, ctx) => {
    if (value === undefined || /^rediss?:\/\/[^\s]+$/.test(value)) return value;
    ctx.addIssue({ code: 'custom', message: `REDIS_URL must be a redis:// or rediss:// URL, ${got(value)}` });
    return z.NEVER;
  }),
  DATABASE_URL: raw.transform((value, ctx) => {
    if (value === undefined) return value;
    if (/^postgres(ql)?:\/\/[^\s]+$/.test(value) && URL.canParse(value)) return value;
    // The URL may hold a password: name the variable, not the value.
    ctx.addIssue({ code: 'custom', message: 'DATABASE_URL must be a postgres:// or postgresql:// URL' });
    return z.NEVER;
  }),
  NODE_ID: raw.transform((value, ctx) => {
    if (value === undefined || /^[A-Za-z0-9_.-]{1,64}$/.test(value)) return value;
    ctx.addIssue({ code: 'custom', message: `NODE_ID must be 1-64 letters, digits, '.', '_' or '-', ${got(value)}` });
    return z.NEVER;
  }),
  TRUST_PROXY: integer('TRUST_PROXY', 0, 0, 10),
  RATE_LIMIT_WINDOW_SECONDS: integer('RATE_LIMIT_WINDOW_SECONDS', 60, 1, 3600),
  RATE_LIMIT_HTTP: integer('RATE_LIMIT_HTTP', 1200, 0, 1_000_000_000),
  RATE_LIMIT_EXPENSIVE: integer('RATE_LIMIT_EXPENSIVE', 120, 0, 1_000_000_000),
  RATE_LIMIT_JOINS: integer('RATE_LIMIT_JOINS', 60, 0, 1_000_000_000),
  RATE_LIMIT_ROOM_CREATES: integer('RATE_LIMIT_ROOM_CREATES', 10, 0, 1_000_000_000),
  RATE_LIMIT_ROOM_CREATES_PER_IP: integer('RATE_LIMIT_ROOM_CREATES_PER_IP', 30, 0, 1_000_000_000),
  PUBLIC_ADDRESS: raw.transform((value, ctx) => {
    if (value === undefined || /^[A-Za-z0-9.-]+(:\d{1,5})?$/.test(value)) return value;
    ctx.addIssue({ code: 'custom', message: `PUBLIC_ADDRESS must be host or host:port, ${got(value)}` });
    return z.NEVER;
  }),
});

/**
 * The public URL normalised to scheme://host[:port] (plus path prefix if any, no trailing
 * slash), so that the SIWE uri a client builds from `location` matches byte for byte.
 */
function parsePublicUrl(value: string): { publicUrl: string; host: string } | string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `PUBLIC_URL must be an absolute http(s) URL, ${got(value)}`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return `PUBLIC_URL must use http or https, ${got(value)}`;
  if (url.username || url.password || url.search || url.hash)
    return `PUBLIC_URL must not contain credentials, a query or a fragment, ${got(value)}`;
  return { publicUrl: url.origin + url.pathname.replace(/\/+$/, ''), host: url.host };
}

/** Reads and validates the configuration; throws one Error listing every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) throw new Error(parsed.error.issues.map((issue) => issue.message).join('; '));
  const v = parsed.data;
  if (v.CHAIN_RPC_URL && !v.GAME_ASSETS_ADDRESS) throw new Error('GAME_ASSETS_ADDRESS is required with CHAIN_RPC_URL');
  if (v.CHAIN_RPC_URL && !(v.FAIRNESS_REGISTRY_ADDRESS && v.REVEAL_COURT_ADDRESS))
    throw new Error('FAIRNESS_REGISTRY_ADDRESS and REVEAL_COURT_ADDRESS are required with CHAIN_RPC_URL (docs/operations.md: Another chain)');
  if (!v.CHAIN_RPC_URL && (v.FAIRNESS_REGISTRY_ADDRESS || v.REVEAL_COURT_ADDRESS))
    throw new Error('FAIRNESS_REGISTRY_ADDRESS and REVEAL_COURT_ADDRESS name contracts on another chain: they need CHAIN_RPC_URL');
  if (!v.CHAIN_RPC_URL && v.MINT_CONFIRMATIONS > 1)
    throw new Error('MINT_CONFIRMATIONS above 1 needs CHAIN_RPC_URL: the embedded node seals a block only when a transaction arrives');
  // A draw still pending in its room is answered only after the court's pending hold (court/case-answer.ts): the window must outlast it.
  if (v.COURT_ANSWER_SECONDS < MIN_COURT_ANSWER_SECONDS)
    throw new Error(
      `COURT_ANSWER_SECONDS (${v.COURT_ANSWER_SECONDS}) must be at least ${MIN_COURT_ANSWER_SECONDS}: the server answers a case on a draw still pending in its room only once its 300 s hold after issue has passed (an earlier answer would tell the player the outcome while they may still reveal or withhold their seed), and the answer needs time to reach the chain before answerBy`,
    );
  // A withdrawal announced after a receipt was issued must not take the bond before its player could reveal.
  if (v.COURT_WITHDRAW_DELAY_SECONDS < v.REVEAL_COURT_WINDOW_SECONDS)
    throw new Error(
      `COURT_WITHDRAW_DELAY_SECONDS (${v.COURT_WITHDRAW_DELAY_SECONDS}) must be at least REVEAL_COURT_WINDOW_SECONDS (${v.REVEAL_COURT_WINDOW_SECONDS}): a player may take a receipt to the court that long after it was issued`,
    );
  // The embedded chain mints the bond to the court through GameAssets: within the coin's caps, or the mint fails.
  if (!v.CHAIN_RPC_URL && v.COURT_BOND_COINS > Math.min(v.COIN_PLAYER_EPOCH_CAP, v.COIN_EPOCH_CAP))
    throw new Error(
      `COURT_BOND_COINS (${v.COURT_BOND_COINS}) is minted to the court in one epoch: it must not exceed COIN_PLAYER_EPOCH_CAP (${v.COIN_PLAYER_EPOCH_CAP}) or COIN_EPOCH_CAP (${v.COIN_EPOCH_CAP})`,
    );
  // One embedded node per process would give each process a chain of its own.
  if (v.REDIS_URL && !v.CHAIN_RPC_URL) throw new Error('REDIS_URL (several processes) needs CHAIN_RPC_URL: the processes must mint on one chain');
  const url = v.PUBLIC_URL ?? { publicUrl: `http://localhost:${v.PORT}`, host: `localhost:${v.PORT}` };
  return Object.freeze({
    port: v.PORT,
    host: v.HOST,
    dataDir: v.DATA_DIR,
    logLevel: v.LOG_LEVEL,
    vrfSuite: v.VRF_SUITE,
    publicUrl: url.publicUrl,
    siweDomain: url.host,
    siweUri: url.publicUrl,
    siweNonceTtlSeconds: v.SIWE_NONCE_TTL_SECONDS,
    siweNoncesPerClient: v.SIWE_NONCES_PER_CLIENT,
    siweMaxNonces: v.SIWE_MAX_NONCES,
    reconnectGraceSeconds: v.RECONNECT_GRACE_SECONDS,
    maxMessagesPerSecond: v.MAX_MESSAGES_PER_SECOND,
    maxPayloadBytes: v.MAX_PAYLOAD_BYTES,
    proverThreads: v.PROVER_THREADS,
    startingChips: v.STARTING_CHIPS,
    startingUnits: unitsOfChips(v.STARTING_CHIPS),
    economy: Object.freeze({
      bonusWagerMultiple: v.BONUS_WAGER_MULTIPLE,
      bonusWindowSeconds: v.BONUS_WINDOW_SECONDS,
      bonusPerIp: v.BONUS_PER_IP,
      bonusPerSessionKey: v.BONUS_PER_SESSION_KEY,
      bonusAfterDepositCoins: v.BONUS_AFTER_DEPOSIT_COINS,
      minCashOutCoins: v.MIN_CASHOUT_COINS,
    }),
    houseEdgeBps: v.HOUSE_EDGE_BPS,
    revealCourtWindowSeconds: v.REVEAL_COURT_WINDOW_SECONDS,
    maxBet: v.MAX_BET,
    maxBetUnits: unitsOfChips(v.MAX_BET),
    chainRpcUrl: v.CHAIN_RPC_URL,
    gameAssetsAddress: v.GAME_ASSETS_ADDRESS,
    fairnessRegistryAddress: v.FAIRNESS_REGISTRY_ADDRESS,
    revealCourtAddress: v.REVEAL_COURT_ADDRESS,
    earlierCourtAddresses: Object.freeze(v.EARLIER_COURT_ADDRESSES),
    fairnessChangeDelaySeconds: v.FAIRNESS_CHANGE_DELAY_SECONDS,
    courtAnswerSeconds: v.COURT_ANSWER_SECONDS,
    courtBondCoins: v.COURT_BOND_COINS,
    courtWithdrawDelaySeconds: v.COURT_WITHDRAW_DELAY_SECONDS,
    awardEpochSeconds: v.AWARD_EPOCH_SECONDS,
    economySampleSeconds: v.ECONOMY_SAMPLE_SECONDS,
    coinEpochCap: v.COIN_EPOCH_CAP,
    coinPlayerEpochCap: v.COIN_PLAYER_EPOCH_CAP,
    mintBatchSize: v.MINT_BATCH_SIZE,
    minAwardAmounts: v.MIN_AWARD_AMOUNTS,
    raidRoundSeconds: v.RAID_ROUND_SECONDS,
    httpHeadersTimeoutSeconds: v.HTTP_HEADERS_TIMEOUT_SECONDS,
    mintConfirmations: v.MINT_CONFIRMATIONS,
    mintReceiptTimeoutSeconds: v.MINT_RECEIPT_TIMEOUT_SECONDS,
    anchorPeriodMs: v.ANCHOR_PERIOD_MS,
    maxSeatsPerAddress: v.MAX_SEATS_PER_ADDRESS,
    faucetWei: v.FAUCET_WEI,
    redisUrl: v.REDIS_URL,
    databaseUrl: v.DATABASE_URL,
    nodeId: v.NODE_ID ?? `${hostname().replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 50)}-${v.PORT}`,
    publicAddress: v.PUBLIC_ADDRESS,
    trustProxyHops: v.TRUST_PROXY,
    rateLimits: Object.freeze({
      windowSeconds: v.RATE_LIMIT_WINDOW_SECONDS,
      http: v.RATE_LIMIT_HTTP,
      expensive: v.RATE_LIMIT_EXPENSIVE,
      joins: v.RATE_LIMIT_JOINS,
      roomCreates: v.RATE_LIMIT_ROOM_CREATES,
      roomCreatesPerIp: v.RATE_LIMIT_ROOM_CREATES_PER_IP,
    }),
  });
}
