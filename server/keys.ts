/**
 * The server's long-lived secrets: the VRF secret key that proves every outcome, the
 * operator's secp256k1 key that signs EIP-712 receipts, the minter's key that sends mint
 * transactions, and the fairness key that posts anchors and court answers to the fairness
 * registry. Generated on first start under `${dataDir}/keys/`, reused afterwards, or taken
 * from `VRF_SECRET_KEY` / `OPERATOR_KEY` / `MINTER_KEY` / `FAIRNESS_KEY` (never written to disk). Losing or silently replacing either key breaks every published
 * proof and receipt, so files are created exclusively and atomically and are never overwritten.
 *
 * An empty variable counts as unset. Error messages and log fields name files and variables,
 * never key material.
 * @module
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { computeAddress } from 'ethers';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import type { EcvrfSuite } from '../vrf/index.ts';
import { Secret } from './log.ts';

export interface ServerKeys {
  /** Secret key for the configured VRF suite (`suite.secretKeyLength` bytes). */
  readonly vrfSecretKey: Secret<Uint8Array>;
  readonly vrfPublicKey: Uint8Array;
  /** 0x-prefixed 32-byte hex secp256k1 private key; signs EIP-712 receipts. */
  readonly operatorKey: Secret<string>;
  /** EIP-55 checksummed address of `operatorKey`. */
  readonly operatorAddress: string;
  /** 0x-prefixed secp256k1 private key that sends mint transactions (the minter role). */
  readonly minterKey: Secret<string>;
  readonly minterAddress: string;
  /** 0x-prefixed secp256k1 private key that posts anchors and court answers (its own nonces, apart from the minter's). */
  readonly fairnessKey: Secret<string>;
  readonly fairnessAddress: string;
}

/**
 * Receives events an operator should notice (a key was generated, a file's permissions were
 * too open): wire it to a warning-level log.
 */
export type KeyLog = (msg: string, fields?: object) => void;

/** Order of the secp256k1 group: valid private keys are integers in [1, n-1]. */
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

function isSecp256k1Key(key: Uint8Array): boolean {
  const k = BigInt(`0x${bytesToHex(key)}`);
  return k > 0n && k < SECP256K1_N;
}

interface KeySpec {
  /** What the key is, for messages. */
  readonly label: string;
  readonly envName: string;
  readonly file: string;
  readonly length: number;
  readonly isValid: (key: Uint8Array) => boolean;
}

/** Loads the keys from the environment or `${dataDir}/keys/`, creating missing key files. */
export function loadOrCreateKeys(opts: {
  dataDir: string;
  suite: EcvrfSuite;
  env?: Record<string, string | undefined>;
  log?: KeyLog;
}): ServerKeys {
  const { suite } = opts;
  const env = opts.env ?? process.env;
  const log: KeyLog = opts.log ?? (() => {});
  const keysDir = path.join(path.resolve(opts.dataDir), 'keys');

  const vrfSecretKey = loadKey(
    {
      label: `${suite.name} secret key`,
      envName: 'VRF_SECRET_KEY',
      file: path.join(keysDir, `vrf-${suite.name}.key`),
      length: suite.secretKeyLength,
      isValid: (key) => succeeds(() => suite.publicKey(key)),
    },
    env,
    log,
  );
  const operatorKeyBytes = loadKey(
    {
      label: 'secp256k1 operator key',
      envName: 'OPERATOR_KEY',
      file: path.join(keysDir, 'operator.key'),
      length: 32,
      isValid: isSecp256k1Key,
    },
    env,
    log,
  );
  const minterKeyBytes = loadKey(
    {
      label: 'secp256k1 minter key',
      envName: 'MINTER_KEY',
      file: path.join(keysDir, 'minter.key'),
      length: 32,
      isValid: isSecp256k1Key,
    },
    env,
    log,
  );
  const fairnessKeyBytes = loadKey(
    {
      label: 'secp256k1 fairness key',
      envName: 'FAIRNESS_KEY',
      file: path.join(keysDir, 'fairness.key'),
      length: 32,
      isValid: isSecp256k1Key,
    },
    env,
    log,
  );
  const minterKey = `0x${bytesToHex(minterKeyBytes)}`;
  const fairnessKey = `0x${bytesToHex(fairnessKeyBytes)}`;
  const operatorKey = `0x${bytesToHex(operatorKeyBytes)}`;
  return Object.freeze({
    vrfSecretKey: new Secret(vrfSecretKey),
    vrfPublicKey: suite.publicKey(vrfSecretKey),
    operatorKey: new Secret(operatorKey),
    operatorAddress: computeAddress(operatorKey),
    minterKey: new Secret(minterKey),
    minterAddress: computeAddress(minterKey),
    fairnessKey: new Secret(fairnessKey),
    fairnessAddress: computeAddress(fairnessKey),
  });
}

/**
 * The key that hashes client IPs for the bonus gate (`server/economy/bonus-gate.ts`): 32 random
 * bytes in `${dataDir}/keys/bonus-ip.key` (0600), or `BONUS_IP_KEY` (64 hex digits; the processes
 * of a cluster must share one, or each counts the IPs it saw alone). Never a client's IP on disk.
 */
export function loadOrCreateBonusIpKey(opts: { dataDir: string; env?: Record<string, string | undefined>; log?: KeyLog }): Secret<Uint8Array> {
  const spec: KeySpec = { label: 'bonus IP hashing key', envName: 'BONUS_IP_KEY', file: path.join(path.resolve(opts.dataDir), 'keys', 'bonus-ip.key'), length: 32, isValid: () => true };
  return new Secret(loadKey(spec, opts.env ?? process.env, opts.log ?? (() => {})));
}

function loadKey(spec: KeySpec, env: Record<string, string | undefined>, log: KeyLog): Uint8Array {
  const fromEnv = env[spec.envName]?.trim();
  if (fromEnv) return decodeKey(fromEnv, spec, spec.envName);
  const dir = path.dirname(spec.file);
  ensurePrivateDir(dir, log);
  if (!fs.existsSync(spec.file)) {
    const key = generate(spec);
    if (createExclusive(spec.file, `${bytesToHex(key)}\n`)) {
      log(`generated a new ${spec.label}`, { file: spec.file });
      return key;
    }
    // Another process created the file between our check and our link: use theirs.
  }
  return readKeyFile(spec, log);
}

function readKeyFile(spec: KeySpec, log: KeyLog): Uint8Array {
  const mode = fs.statSync(spec.file).mode & 0o777;
  if (mode & 0o077) {
    try {
      fs.chmodSync(spec.file, 0o600);
    } catch (cause) {
      throw new Error(`key file ${spec.file} is readable by group or others (mode ${octal(mode)}) and chmod 0600 failed`, { cause });
    }
    log('key file was readable by group or others; restricted it to 0600', { file: spec.file, previousMode: octal(mode) });
  }
  return decodeKey(fs.readFileSync(spec.file, 'utf8').trim(), spec, `key file ${spec.file}`);
}

/** Parses hex key material; errors name `source` but never echo the material. */
function decodeKey(text: string, spec: KeySpec, source: string): Uint8Array {
  const hex = text.startsWith('0x') || text.startsWith('0X') ? text.slice(2) : text;
  if (hex.length !== spec.length * 2 || !/^[0-9a-fA-F]*$/.test(hex))
    throw new Error(`${source} is malformed: expected ${spec.length * 2} hex characters (a ${spec.length}-byte ${spec.label}), optionally 0x-prefixed`);
  const key = hexToBytes(hex.toLowerCase());
  // The library's own error could quote the key as a number, so it is dropped, not chained.
  if (!spec.isValid(key)) throw new Error(`${source} does not hold a valid ${spec.label}`);
  return key;
}

function generate(spec: KeySpec): Uint8Array {
  // Rejection sampling: for P-256 and secp256k1 almost every 32-byte string is valid.
  for (;;) {
    const key = crypto.getRandomValues(new Uint8Array(spec.length));
    if (spec.isValid(key)) return key;
  }
}

/**
 * Writes `content` to `file` only if it does not exist. The data goes to a private temp file
 * first, is fsynced, then hard-linked into place: link never replaces an existing file (unlike
 * rename), and a crash leaves either no key file or a complete one. False if `file` existed.
 */
function createExclusive(file: string, content: string): boolean {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = fs.openSync(tmp, 'wx', 0o600);
  try {
    fs.fchmodSync(fd, 0o600); // the umask may have cleared bits we rely on; set the mode exactly
    fs.writeSync(fd, content);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.linkSync(tmp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    fs.unlinkSync(tmp);
  }
  fsyncDir(dir);
  return true;
}

/** Creates `dir` (mode 0700) with durable directory entries, or tightens an existing one. */
function ensurePrivateDir(dir: string, log: KeyLog): void {
  const created = fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (created !== undefined) {
    for (let d = dir; ; d = path.dirname(d)) {
      fsyncDir(path.dirname(d));
      if (d === created || d === path.dirname(d)) break;
    }
  }
  const mode = fs.statSync(dir).mode & 0o777;
  if (mode !== 0o700) {
    fs.chmodSync(dir, 0o700);
    if (created === undefined && mode & 0o077) log('keys directory was accessible to others; restricted it to 0700', { dir, previousMode: octal(mode) });
  }
}

function fsyncDir(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function succeeds(f: () => unknown): boolean {
  try {
    f();
    return true;
  } catch {
    return false;
  }
}

const octal = (mode: number) => `0${mode.toString(8)}`;

/** A VRF key of a suite the server no longer draws with, kept to answer court cases under it. */
export interface RetiredVrfKey {
  readonly suite: EcvrfSuite;
  readonly secretKey: Secret<Uint8Array>;
  readonly publicKey: Uint8Array;
}

/**
 * The VRF keys in `${dataDir}/keys/` of every suite in `all` but `current`: a server that moved
 * to another suite keeps its old key file, and a receipt issued under it may still be taken to
 * the reveal court until its deadline. Nothing is created here; a key file that cannot be read is
 * logged and left out (its cases will be claimed), never a reason not to start.
 */
export function loadRetiredVrfKeys(opts: { dataDir: string; current: EcvrfSuite; all: readonly EcvrfSuite[]; log?: KeyLog }): RetiredVrfKey[] {
  const log: KeyLog = opts.log ?? (() => {});
  const keysDir = path.join(path.resolve(opts.dataDir), 'keys');
  const keys: RetiredVrfKey[] = [];
  for (const suite of opts.all) {
    if (suite.name === opts.current.name) continue;
    const spec: KeySpec = {
      label: `${suite.name} secret key`,
      envName: 'VRF_SECRET_KEY',
      file: path.join(keysDir, `vrf-${suite.name}.key`),
      length: suite.secretKeyLength,
      isValid: (key) => succeeds(() => suite.publicKey(key)),
    };
    if (!fs.existsSync(spec.file)) continue;
    try {
      const secretKey = readKeyFile(spec, log);
      keys.push({ suite, secretKey: new Secret(secretKey), publicKey: suite.publicKey(secretKey) });
    } catch (e) {
      log('a VRF key file of another suite could not be read: court cases under it cannot be answered', { file: spec.file, error: (e as Error).message });
    }
  }
  return keys;
}
