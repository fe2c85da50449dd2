import { hostname } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { suites } from '../../vrf/index.ts';

describe('loadConfig', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('has defaults that work with nothing set', () => {
    expect(loadConfig({})).toEqual({
      port: 2567,
      host: '0.0.0.0',
      dataDir: path.resolve('./data'),
      logLevel: 'info',
      vrfSuite: 'ECVRF-EDWARDS25519-SHA512-TAI',
      publicUrl: 'http://localhost:2567',
      siweDomain: 'localhost:2567',
      siweUri: 'http://localhost:2567',
      siweNonceTtlSeconds: 300,
      siweNoncesPerClient: 32,
      siweMaxNonces: 100_000,
      reconnectGraceSeconds: 20,
      maxMessagesPerSecond: 20,
      maxPayloadBytes: 4096,
      proverThreads: 0,
      startingChips: 1000,
      startingUnits: 1_000_000_000,
      economy: { bonusWagerMultiple: 30, bonusWindowSeconds: 86_400, bonusPerIp: 1, bonusPerSessionKey: 1, bonusAfterDepositCoins: 0, minCashOutCoins: 10 },
      houseEdgeBps: 100,
      revealCourtWindowSeconds: 86_400,
      maxBet: 100_000,
      maxBetUnits: 100_000_000_000,
      chainRpcUrl: undefined,
      gameAssetsAddress: undefined,
      fairnessRegistryAddress: undefined,
      revealCourtAddress: undefined,
      earlierCourtAddresses: [],
      fairnessChangeDelaySeconds: 86_400,
      courtAnswerSeconds: 21_600,
      courtBondCoins: 1_000_000,
      courtWithdrawDelaySeconds: 604_800,
      awardEpochSeconds: 86_400,
      economySampleSeconds: 60,
      coinEpochCap: 100_000_000,
      coinPlayerEpochCap: 1_000_000,
      mintBatchSize: 100,
      minAwardAmounts: new Map(),
      raidRoundSeconds: 90,
      httpHeadersTimeoutSeconds: 10,
      mintConfirmations: 1,
      mintReceiptTimeoutSeconds: 30,
      anchorPeriodMs: 60_000,
      maxSeatsPerAddress: 4,
      faucetWei: 10n ** 16n,
      redisUrl: undefined,
      databaseUrl: undefined,
      nodeId: `${hostname().replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 50)}-2567`,
      publicAddress: undefined,
      trustProxyHops: 0,
      rateLimits: { windowSeconds: 60, http: 1200, expensive: 120, joins: 60, roomCreates: 10, roomCreatesPerIp: 30 },
    });
  });

  it('runs a cluster only on a shared chain, and checks the cluster variables', () => {
    const chain = { CHAIN_RPC_URL: 'http://10.0.0.1:8545', GAME_ASSETS_ADDRESS: '0x' + '1'.repeat(40), FAIRNESS_REGISTRY_ADDRESS: '0x' + '2'.repeat(40), REVEAL_COURT_ADDRESS: '0x' + '3'.repeat(40) };
    expect(() => loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379' })).toThrow(/REDIS_URL \(several processes\) needs CHAIN_RPC_URL/);
    const c = loadConfig({ ...chain, REDIS_URL: 'redis://127.0.0.1:6379', NODE_ID: 'game-2', PUBLIC_ADDRESS: 'game-2.internal:2567', MAX_SEATS_PER_ADDRESS: '2' });
    expect([c.redisUrl, c.nodeId, c.publicAddress, c.maxSeatsPerAddress]).toEqual(['redis://127.0.0.1:6379', 'game-2', 'game-2.internal:2567', 2]);
    expect(() => loadConfig({ ...chain, REDIS_URL: 'http://127.0.0.1:6379' })).toThrow(/REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/);
    expect(() => loadConfig({ NODE_ID: 'a/b' })).toThrow(/NODE_ID must be 1-64 letters/);
    expect(() => loadConfig({ PUBLIC_ADDRESS: 'http://x:1' })).toThrow(/PUBLIC_ADDRESS must be host or host:port/);
    expect(() => loadConfig({ MAX_SEATS_PER_ADDRESS: '0' })).toThrow(/MAX_SEATS_PER_ADDRESS must be an integer in \[1, 100\]/);
    expect(loadConfig({ FAUCET_WEI: '0' }).faucetWei).toBe(0n);
    expect(() => loadConfig({ FAUCET_WEI: '1000000000000000001' })).toThrow(/FAUCET_WEI must be an integer in \[0, 10\^18\]/);
    expect(() => loadConfig({ FAUCET_WEI: '1e16' })).toThrow(/FAUCET_WEI/);
  });

  it('gives the court at least 900 s to answer: the pending hold (300 s) and the time to reach the chain', () => {
    expect(loadConfig({ COURT_ANSWER_SECONDS: '900' }).courtAnswerSeconds).toBe(900);
    expect(() => loadConfig({ COURT_ANSWER_SECONDS: '899' })).toThrow(/COURT_ANSWER_SECONDS \(899\) must be at least 900/);
  });

  it("bonds the court within the coin caps, and delays a bond withdrawal at least as long as a receipt may be revealed", () => {
    expect(loadConfig({ COURT_BOND_COINS: '0', COURT_WITHDRAW_DELAY_SECONDS: '86400' })).toMatchObject({ courtBondCoins: 0, courtWithdrawDelaySeconds: 86_400 });
    expect(() => loadConfig({ COURT_BOND_COINS: '-1' })).toThrow(/COURT_BOND_COINS must be an integer in \[0, 9007199254740991\]/);
    expect(() => loadConfig({ COURT_BOND_COINS: '1000001' })).toThrow(/COURT_BOND_COINS \(1000001\) is minted to the court in one epoch: it must not exceed COIN_PLAYER_EPOCH_CAP \(1000000\)/);
    expect(() => loadConfig({ COURT_BOND_COINS: '600', COIN_EPOCH_CAP: '500' })).toThrow(/must not exceed COIN_PLAYER_EPOCH_CAP \(1000000\) or COIN_EPOCH_CAP \(500\)/);
    expect(loadConfig({ COURT_BOND_COINS: '50', COIN_PLAYER_EPOCH_CAP: '50' }).courtBondCoins).toBe(50);
    // On another chain the server mints no bond: the caps are GameAssets' own there.
    const chain = { CHAIN_RPC_URL: 'http://10.0.0.1:8545', GAME_ASSETS_ADDRESS: '0x' + '1'.repeat(40), FAIRNESS_REGISTRY_ADDRESS: '0x' + '2'.repeat(40), REVEAL_COURT_ADDRESS: '0x' + '3'.repeat(40) };
    expect(loadConfig({ ...chain, COIN_PLAYER_EPOCH_CAP: '10' }).courtBondCoins).toBe(1_000_000);
    expect(() => loadConfig({ COURT_WITHDRAW_DELAY_SECONDS: '3599' })).toThrow(/COURT_WITHDRAW_DELAY_SECONDS must be an integer in \[3600, 31536000\]/);
    expect(() => loadConfig({ COURT_WITHDRAW_DELAY_SECONDS: '31536001' })).toThrow(/COURT_WITHDRAW_DELAY_SECONDS must be an integer in \[3600, 31536000\]/);
    expect(() => loadConfig({ COURT_WITHDRAW_DELAY_SECONDS: '86399' })).toThrow(/COURT_WITHDRAW_DELAY_SECONDS \(86399\) must be at least REVEAL_COURT_WINDOW_SECONDS \(86400\)/);
    expect(loadConfig({ COURT_WITHDRAW_DELAY_SECONDS: '3600', REVEAL_COURT_WINDOW_SECONDS: '3600' }).courtWithdrawDelaySeconds).toBe(3600);
    expect(loadConfig({ COURT_BUDGET_PER_EPOCH: '5' })).not.toHaveProperty('courtBudgetPerEpoch');
  });

  it('takes ANCHOR_PERIOD_MS from a second to a day', () => {
    expect(loadConfig({ ANCHOR_PERIOD_MS: '5000' }).anchorPeriodMs).toBe(5000);
    expect(() => loadConfig({ ANCHOR_PERIOD_MS: '999' })).toThrow(/ANCHOR_PERIOD_MS must be an integer in \[1000, 86400000\]/);
  });

  it('takes a Postgres DATABASE_URL, and names the variable but not the value (it may hold a password) when it is not one', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://fp:secret@db.internal:5432/fairplay' }).databaseUrl).toBe('postgres://fp:secret@db.internal:5432/fairplay');
    expect(loadConfig({ DATABASE_URL: 'postgresql://db/fairplay?sslmode=require' }).databaseUrl).toBe('postgresql://db/fairplay?sslmode=require');
    expect(loadConfig({ DATABASE_URL: '' }).databaseUrl).toBeUndefined();
    for (const bad of ['mysql://u:hunter2@db/x', 'db.internal:5432', 'postgres://u:hunter2@ db/x']) {
      expect(() => loadConfig({ DATABASE_URL: bad })).toThrow('DATABASE_URL must be a postgres:// or postgresql:// URL');
      expect(() => loadConfig({ DATABASE_URL: bad })).not.toThrow(/hunter2/);
    }
  });

  it('points at an external chain only with a contract address, and checks both', () => {
    expect(() => loadConfig({ CHAIN_RPC_URL: 'http://10.0.0.1:8545' })).toThrow('GAME_ASSETS_ADDRESS is required with CHAIN_RPC_URL');
    expect(() => loadConfig({ MINT_CONFIRMATIONS: '12' })).toThrow(/MINT_CONFIRMATIONS above 1 needs CHAIN_RPC_URL/);
    expect(loadConfig({ MINT_CONFIRMATIONS: '12', CHAIN_RPC_URL: 'http://10.0.0.1:8545', GAME_ASSETS_ADDRESS: '0x' + '1'.repeat(40), FAIRNESS_REGISTRY_ADDRESS: '0x' + '2'.repeat(40), REVEAL_COURT_ADDRESS: '0x' + '3'.repeat(40) }).mintConfirmations).toBe(12);
    expect(() => loadConfig({ CHAIN_RPC_URL: 'ftp://x' })).toThrow(/CHAIN_RPC_URL must be an http\(s\) URL/);
    expect(() => loadConfig({ GAME_ASSETS_ADDRESS: '0x12' })).toThrow(/GAME_ASSETS_ADDRESS must be 0x and 40 hex digits/);
    expect(() => loadConfig({ CHAIN_RPC_URL: 'https://rpc.example', GAME_ASSETS_ADDRESS: '0x' + 'ab'.repeat(20) })).toThrow(/FAIRNESS_REGISTRY_ADDRESS and REVEAL_COURT_ADDRESS are required/);
    expect(() => loadConfig({ FAIRNESS_REGISTRY_ADDRESS: '0x' + '2'.repeat(40) })).toThrow(/they need CHAIN_RPC_URL/);
    expect(() => loadConfig({ CHAIN_RPC_URL: 'https://rpc.example', GAME_ASSETS_ADDRESS: '0x' + 'ab'.repeat(20), FAIRNESS_REGISTRY_ADDRESS: '0x12', REVEAL_COURT_ADDRESS: '0x' + '3'.repeat(40) })).toThrow(/FAIRNESS_REGISTRY_ADDRESS must be 0x and 40 hex digits/);
    const c = loadConfig({ CHAIN_RPC_URL: 'https://rpc.example', GAME_ASSETS_ADDRESS: '0x' + 'ab'.repeat(20), FAIRNESS_REGISTRY_ADDRESS: '0x' + '2'.repeat(40), REVEAL_COURT_ADDRESS: '0x' + '3'.repeat(40) });
    expect([c.chainRpcUrl, c.gameAssetsAddress, c.fairnessRegistryAddress, c.revealCourtAddress]).toEqual(['https://rpc.example', '0x' + 'ab'.repeat(20), '0x' + '2'.repeat(40), '0x' + '3'.repeat(40)]);
  });

  it('reads EARLIER_COURT_ADDRESSES as a comma-separated list of addresses, each checked', () => {
    expect(loadConfig({}).earlierCourtAddresses).toEqual([]);
    const [a, b] = ['0x' + '4'.repeat(40), '0x' + 'Ab'.repeat(20)];
    expect(loadConfig({ EARLIER_COURT_ADDRESSES: ` ${a}, ${b} ,` }).earlierCourtAddresses).toEqual([a, b]);
    expect(() => loadConfig({ EARLIER_COURT_ADDRESSES: `${a},0x12` })).toThrow(/EARLIER_COURT_ADDRESSES must be comma-separated addresses, each 0x and 40 hex digits, got "0x12"/);
  });

  it('takes every suite vrf/ registers as VRF_SUITE, the secp256k1 one too; the default stays edwards25519', () => {
    for (const name of Object.keys(suites)) expect(loadConfig({ VRF_SUITE: name }).vrfSuite).toBe(name);
    expect(Object.keys(suites)).toContain('ECVRF-SECP256K1-SHA256-TAI');
    expect(loadConfig({}).vrfSuite).toBe('ECVRF-EDWARDS25519-SHA512-TAI');
  });

  it('treats empty variables as unset and reads process.env by default', () => {
    expect(loadConfig({ PORT: '', LOG_LEVEL: '  ' }).port).toBe(2567);
    vi.stubEnv('PORT', '4000');
    expect(loadConfig().port).toBe(4000);
  });

  it('reads every variable', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '127.0.0.1',
      DATA_DIR: '/var/lib/fairplay',
      LOG_LEVEL: 'DEBUG',
      VRF_SUITE: 'ECVRF-P256-SHA256-SSWU',
      PUBLIC_URL: 'https://play.example.com/',
      SIWE_NONCE_TTL_SECONDS: '60',
      SIWE_NONCES_PER_CLIENT: '4',
      SIWE_MAX_NONCES: '1000',
      RECONNECT_GRACE_SECONDS: '0',
      MAX_MESSAGES_PER_SECOND: '5',
      MAX_PAYLOAD_BYTES: '1024',
      STARTING_CHIPS: '0',
      HOUSE_EDGE_BPS: '250',
      REVEAL_COURT_WINDOW_SECONDS: '7200',
      MAX_BET: '500',
    });
    expect(config).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      dataDir: '/var/lib/fairplay',
      logLevel: 'debug',
      vrfSuite: 'ECVRF-P256-SHA256-SSWU',
      publicUrl: 'https://play.example.com',
      siweDomain: 'play.example.com',
      siweUri: 'https://play.example.com',
      siweNonceTtlSeconds: 60,
      siweNoncesPerClient: 4,
      siweMaxNonces: 1000,
      reconnectGraceSeconds: 0,
      maxMessagesPerSecond: 5,
      maxPayloadBytes: 1024,
      startingChips: 0,
      startingUnits: 0,
      houseEdgeBps: 250,
      revealCourtWindowSeconds: 7200,
      maxBet: 500,
      maxBetUnits: 500_000_000,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('resolves a relative DATA_DIR to an absolute path', () => {
    expect(loadConfig({ DATA_DIR: 'state/x' }).dataDir).toBe(path.resolve('state/x'));
  });

  it('derives the SIWE domain with a non-default port, and the default URL from PORT', () => {
    const custom = loadConfig({ PUBLIC_URL: 'http://10.0.0.5:3000/game/' });
    expect(custom.siweDomain).toBe('10.0.0.5:3000');
    expect(custom.siweUri).toBe('http://10.0.0.5:3000/game');
    expect(loadConfig({ PUBLIC_URL: 'https://example.com:443' }).siweDomain).toBe('example.com');
    expect(loadConfig({ PORT: '9000' })).toMatchObject({ publicUrl: 'http://localhost:9000', siweDomain: 'localhost:9000' });
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT must be an integer in [0, 65535], got "abc"'],
    [{ PORT: '65536' }, 'PORT must be an integer in [0, 65535], got "65536"'],
    [{ PORT: '80.5' }, 'PORT must be an integer in [0, 65535], got "80.5"'],
    [{ HOUSE_EDGE_BPS: '1001' }, 'HOUSE_EDGE_BPS must be an integer in [0, 1000], got "1001"'],
    [{ HOUSE_EDGE_BPS: '-1' }, 'HOUSE_EDGE_BPS must be an integer in [0, 1000], got "-1"'],
    [{ REVEAL_COURT_WINDOW_SECONDS: '3599' }, 'REVEAL_COURT_WINDOW_SECONDS must be an integer in [3600, 2592000], got "3599"'],
    [{ REVEAL_COURT_WINDOW_SECONDS: '2592001' }, 'REVEAL_COURT_WINDOW_SECONDS must be an integer in [3600, 2592000], got "2592001"'],
    [{ COURT_ANSWER_SECONDS: '899' }, 'COURT_ANSWER_SECONDS (899) must be at least 900: the server answers a case on a draw still pending in its room only once its 300 s hold'],
    [{ COURT_ANSWER_SECONDS: '60' }, 'COURT_ANSWER_SECONDS (60) must be at least 900'],
    [{ COURT_ANSWER_SECONDS: '2592001' }, 'COURT_ANSWER_SECONDS must be an integer in [0, 2592000], got "2592001"'],
    [{ MAX_BET: '0' }, 'MAX_BET must be an integer in [1, 10000000], got "0"'],
    [{ MAX_BET: '10000001' }, 'MAX_BET must be an integer in [1, 10000000], got "10000001"'],
    [{ STARTING_CHIPS: '1e3' }, 'STARTING_CHIPS must be an integer'],
    [{ SIWE_NONCE_TTL_SECONDS: '0' }, 'SIWE_NONCE_TTL_SECONDS must be an integer in [1, 86400]'],
    [{ RECONNECT_GRACE_SECONDS: 'soon' }, 'RECONNECT_GRACE_SECONDS must be an integer'],
    [{ MAX_MESSAGES_PER_SECOND: '0' }, 'MAX_MESSAGES_PER_SECOND must be an integer'],
    [{ MAX_PAYLOAD_BYTES: '99999999' }, 'MAX_PAYLOAD_BYTES must be an integer'],
    [{ LOG_LEVEL: 'verbose' }, 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "verbose"'],
    [{ VRF_SUITE: 'ECVRF-ED25519' }, 'VRF_SUITE must be one of ECVRF-P256-SHA256-TAI'],
    [{ PUBLIC_URL: 'localhost:2567' }, 'PUBLIC_URL must use http or https'],
    [{ PUBLIC_URL: 'not a url' }, 'PUBLIC_URL must be an absolute http(s) URL, got "not a url"'],
    [{ PUBLIC_URL: 'https://example.com/?a=1' }, 'PUBLIC_URL must not contain credentials, a query or a fragment'],
    [{ TRUST_PROXY: 'true' }, 'TRUST_PROXY must be an integer in [0, 10], got "true"'],
    [{ RATE_LIMIT_WINDOW_SECONDS: '0' }, 'RATE_LIMIT_WINDOW_SECONDS must be an integer in [1, 3600]'],
    [{ RATE_LIMIT_HTTP: '-1' }, 'RATE_LIMIT_HTTP must be an integer in [0, 1000000000]'],
    [{ RATE_LIMIT_ROOM_CREATES: 'many' }, 'RATE_LIMIT_ROOM_CREATES must be an integer'],
  ])('rejects %o naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('reads the rate limits, 0 turning a bucket off, and the trusted proxy hops', () => {
    const c = loadConfig({ TRUST_PROXY: '1', RATE_LIMIT_WINDOW_SECONDS: '5', RATE_LIMIT_HTTP: '0', RATE_LIMIT_EXPENSIVE: '7', RATE_LIMIT_JOINS: '8', RATE_LIMIT_ROOM_CREATES: '300', RATE_LIMIT_ROOM_CREATES_PER_IP: '900' });
    expect(c.trustProxyHops).toBe(1);
    expect(c.rateLimits).toEqual({ windowSeconds: 5, http: 0, expensive: 7, joins: 8, roomCreates: 300, roomCreatesPerIp: 900 });
  });

  it('lists every bad variable in one error', () => {
    expect(() => loadConfig({ PORT: 'x', MAX_BET: 'y' })).toThrow(/PORT must .*; MAX_BET must/);
  });
});
