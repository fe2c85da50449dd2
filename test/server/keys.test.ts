import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import { Wallet } from 'ethers';
import { bytesToHex } from '@noble/hashes/utils.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getSuite } from '../../vrf/index.ts';
import { loadOrCreateKeys, type ServerKeys } from '../../server/keys.ts';

const ed25519 = getSuite('ECVRF-EDWARDS25519-SHA512-TAI');
const p256 = getSuite('ECVRF-P256-SHA256-TAI');
const VRF_HEX = '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60';
const OPERATOR_HEX = '4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318';
const MINTER_HEX = '0123456789012345678901234567890123456789012345678901234567890123';
const FAIRNESS_HEX = '3210987654321098765432109876543210987654321098765432109876543210';

let dataDir: string;
let logged: { msg: string; fields?: object }[];
const log = (msg: string, fields?: object) => void logged.push({ msg, fields });
const load = (env: Record<string, string | undefined> = {}, suite = ed25519) => loadOrCreateKeys({ dataDir, suite, env, log });
const keysDir = () => path.join(dataDir, 'keys');
const vrfFile = (suite = ed25519) => path.join(keysDir(), `vrf-${suite.name}.key`);
const operatorFile = () => path.join(keysDir(), 'operator.key');
const modeOf = (file: string) => fs.statSync(file).mode & 0o777;
const secretHexes = (keys: ServerKeys) => [bytesToHex(keys.vrfSecretKey.reveal()), keys.operatorKey.reveal().slice(2)];

beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fairplay-keys-'));
  logged = [];
});
afterEach(() => {
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('loadOrCreateKeys', () => {
  it('creates both keys on first start: keys dir 0700, files 0600, lowercase hex and a newline', () => {
    const keys = load();
    expect(modeOf(keysDir())).toBe(0o700);
    expect(modeOf(vrfFile())).toBe(0o600);
    expect(modeOf(operatorFile())).toBe(0o600);
    const [vrfHex, operatorHex] = secretHexes(keys);
    expect(fs.readFileSync(vrfFile(), 'utf8')).toBe(`${vrfHex}\n`);
    expect(fs.readFileSync(operatorFile(), 'utf8')).toBe(`${operatorHex}\n`);
    expect(modeOf(path.join(keysDir(), 'minter.key'))).toBe(0o600);
    expect(modeOf(path.join(keysDir(), 'fairness.key'))).toBe(0o600);
    expect(fs.readdirSync(keysDir()).sort()).toEqual(['fairness.key', 'minter.key', 'operator.key', `vrf-${ed25519.name}.key`]); // no temp files left
    expect(logged.map((entry) => entry.msg)).toEqual([
      `generated a new ${ed25519.name} secret key`,
      'generated a new secp256k1 operator key',
      'generated a new secp256k1 minter key',
      'generated a new secp256k1 fairness key',
    ]);
    expect(keys.minterAddress).toBe(new Wallet(keys.minterKey.reveal()).address);
    expect(keys.minterAddress).not.toBe(keys.operatorAddress);
    expect(keys.fairnessAddress).toBe(new Wallet(keys.fairnessKey.reveal()).address);
    expect(new Set([keys.fairnessAddress, keys.minterAddress, keys.operatorAddress]).size).toBe(3);
  });

  it('reuses the files on later starts', () => {
    const first = load();
    const second = load();
    expect(second.vrfSecretKey.reveal()).toEqual(first.vrfSecretKey.reveal());
    expect(second.operatorKey.reveal()).toBe(first.operatorKey.reveal());
    expect(second.operatorAddress).toBe(first.operatorAddress);
  });

  it('derives the public key with the suite and the EIP-55 operator address', () => {
    const keys = load();
    expect(keys.vrfPublicKey).toEqual(ed25519.publicKey(keys.vrfSecretKey.reveal()));
    const alpha = new TextEncoder().encode('round 1');
    expect(ed25519.verify(keys.vrfPublicKey, alpha, ed25519.prove(keys.vrfSecretKey.reveal(), alpha)).valid).toBe(true);
    expect(keys.operatorKey.reveal()).toMatch(/^0x[0-9a-f]{64}$/);
    expect(keys.operatorAddress).toBe(new Wallet(keys.operatorKey.reveal()).address);
    expect(keys.operatorAddress).toMatch(/^0x[0-9a-fA-F]{40}$/);
  });

  it('keeps one VRF key file per suite and creates valid P-256 keys', () => {
    const ed = load();
    const nist = load({}, p256);
    expect(nist.vrfPublicKey).toEqual(p256.publicKey(nist.vrfSecretKey.reveal()));
    expect(nist.vrfPublicKey).toHaveLength(p256.publicKeyLength);
    expect(fs.existsSync(vrfFile(p256))).toBe(true);
    expect(nist.operatorAddress).toBe(ed.operatorAddress);
  });

  it('takes keys from VRF_SECRET_KEY and OPERATOR_KEY over the files and writes nothing', () => {
    const keys = load({ VRF_SECRET_KEY: VRF_HEX, OPERATOR_KEY: `0x${OPERATOR_HEX}`, MINTER_KEY: MINTER_HEX, FAIRNESS_KEY: FAIRNESS_HEX });
    expect(bytesToHex(keys.vrfSecretKey.reveal())).toBe(VRF_HEX);
    expect(bytesToHex(keys.vrfPublicKey)).toBe('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a'); // RFC 9381 A.3 example 16
    expect(keys.operatorKey.reveal()).toBe(`0x${OPERATOR_HEX}`);
    expect(keys.operatorAddress).toBe(new Wallet(OPERATOR_HEX).address);
    expect(fs.readdirSync(dataDir)).toEqual([]);

    load(); // files now exist, and the environment still wins
    const again = load({ VRF_SECRET_KEY: VRF_HEX.toUpperCase(), OPERATOR_KEY: OPERATOR_HEX, MINTER_KEY: MINTER_HEX, FAIRNESS_KEY: FAIRNESS_HEX });
    expect(again.minterAddress).toBe(new Wallet(MINTER_HEX).address);
    expect(again.fairnessAddress).toBe(new Wallet(FAIRNESS_HEX).address);
    expect(fs.readFileSync(path.join(keysDir(), 'fairness.key'), 'utf8')).not.toContain(FAIRNESS_HEX);
    expect(bytesToHex(again.vrfSecretKey.reveal())).toBe(VRF_HEX);
    expect(again.operatorKey.reveal()).toBe(`0x${OPERATOR_HEX}`);
    expect(fs.readFileSync(vrfFile(), 'utf8')).not.toContain(VRF_HEX);
  });

  it('overrides one key from the environment and keeps the other in a file', () => {
    const keys = load({ OPERATOR_KEY: OPERATOR_HEX });
    expect(keys.operatorKey.reveal()).toBe(`0x${OPERATOR_HEX}`);
    expect(fs.readdirSync(keysDir()).sort()).toEqual(['fairness.key', 'minter.key', `vrf-${ed25519.name}.key`]);
  });

  it.each([
    ['VRF_SECRET_KEY', 'zz' + VRF_HEX.slice(2), /VRF_SECRET_KEY is malformed: expected 64 hex characters/],
    ['VRF_SECRET_KEY', VRF_HEX.slice(0, 62), /VRF_SECRET_KEY is malformed/],
    ['OPERATOR_KEY', OPERATOR_HEX + '00', /OPERATOR_KEY is malformed/],
    ['OPERATOR_KEY', '0'.repeat(64), /OPERATOR_KEY does not hold a valid secp256k1 operator key/],
    ['OPERATOR_KEY', 'f'.repeat(64), /OPERATOR_KEY does not hold a valid secp256k1 operator key/],
  ])('rejects a malformed %s without echoing it', (name, value, message) => {
    expect(() => load({ [name]: value })).toThrow(message);
    try {
      load({ [name]: value });
    } catch (err) {
      expect(String(err)).not.toContain(value);
      expect(inspect(err)).not.toContain(value);
    }
  });

  it('rejects a P-256 secret key outside [1, q-1] without echoing it', () => {
    const value = 'ff'.repeat(32);
    expect(() => load({ VRF_SECRET_KEY: value }, p256)).toThrow(`VRF_SECRET_KEY does not hold a valid ${p256.name} secret key`);
  });

  it.each([
    ['not hex', 'g'.repeat(64) + '\n', 'is malformed'],
    ['too short', 'ab'.repeat(16) + '\n', 'is malformed'],
    ['empty', '', 'is malformed'],
  ])('names a malformed key file (%s) but not its content', (_, content, message) => {
    load();
    fs.writeFileSync(vrfFile(), content);
    expect(() => load()).toThrow(`key file ${vrfFile()} ${message}`);
  });

  it('refuses a key file with an invalid key, without echoing it', () => {
    load({}, p256);
    const content = '0'.repeat(64);
    fs.writeFileSync(vrfFile(p256), `${content}\n`);
    let error: unknown;
    try {
      load({}, p256);
    } catch (err) {
      error = err;
    }
    expect(String(error)).toContain(`key file ${vrfFile(p256)} does not hold a valid ${p256.name} secret key`);
    expect(inspect(error)).not.toContain(content);
  });

  it('tightens a 0644 key file and a 0755 keys directory, warning without the key', () => {
    const keys = load();
    fs.chmodSync(vrfFile(), 0o644);
    fs.chmodSync(keysDir(), 0o755);
    logged = [];
    const again = load();
    expect(modeOf(vrfFile())).toBe(0o600);
    expect(modeOf(keysDir())).toBe(0o700);
    expect(again.vrfSecretKey.reveal()).toEqual(keys.vrfSecretKey.reveal());
    expect(logged).toEqual([
      { msg: 'keys directory was accessible to others; restricted it to 0700', fields: { dir: keysDir(), previousMode: '0755' } },
      { msg: 'key file was readable by group or others; restricted it to 0600', fields: { file: vrfFile(), previousMode: '0644' } },
    ]);
    for (const hex of secretHexes(keys)) expect(JSON.stringify(logged)).not.toContain(hex);
  });

  it('never shows the secrets through JSON.stringify or util.inspect', () => {
    for (const keys of [load(), load({ VRF_SECRET_KEY: VRF_HEX, OPERATOR_KEY: OPERATOR_HEX })]) {
      const renderings = [JSON.stringify(keys), inspect(keys, { depth: 10, showHidden: true }), String(keys.operatorKey)];
      for (const text of renderings) {
        for (const hex of secretHexes(keys)) expect(text.toLowerCase()).not.toContain(hex);
        expect(text).toContain('[secret]');
      }
    }
  });
});
