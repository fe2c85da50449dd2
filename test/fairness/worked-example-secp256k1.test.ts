/**
 * FAIRNESS.md section 11's worked example: the text is what the code prints, the room verifies,
 * and every value follows from the byte-for-byte rules the section states, recomputed here on
 * `@noble/curves` secp256k1 and SHA-256 without vrf/'s ECVRF code (try-and-increment with its
 * non-residue roots, Gamma, the RFC 6979 nonce through an ECDSA signature, U, V, the challenge,
 * beta), and the witnesses are those points. A court answer (section 10) with its beta and pi
 * checks out, and not with a byte of pi changed.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToNumberBE } from '@noble/curves/utils.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes } from '@noble/hashes/utils.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { getSuite } from '../../vrf/index.ts';
import { courtAnswerProblems } from '../../vrf/protocol/court-answer.ts';
import type { DrawRecord, OutcomeRecord, ReceiptRecord } from '../../vrf/protocol/records.ts';
import { receiptTerms } from '../../vrf/protocol/record-checks.ts';
import { bytesToHex, hexToBytes } from '../../vrf/protocol/encoding.ts';
import { verifyTranscript } from '../../vrf/protocol/transcript.ts';
import { encodeWitnesses, fastVerifyWitnesses } from '../../vrf/secp256k1-witnesses.ts';
import { buildSecp256k1Example, SECP256K1_SECRET_KEY, SECP256K1_SUITE, secp256k1ExampleMarkdown, type Secp256k1Example } from './worked-example-secp256k1.ts';

const doc = readFileSync(fileURLToPath(new URL('../../FAIRNESS.md', import.meta.url)), 'utf8');
const { Point } = secp256k1;
const P = Point.Fp.ORDER;
const N = Point.Fn.ORDER;
const Fp = Point.Fp;
const b = (...bytes: number[]) => Uint8Array.from(bytes);
const words = (hex: string): bigint[] => (hex.match(/.{64}/g) ?? []).map((w) => BigInt(`0x${w}`));

let example: Secp256k1Example;
beforeAll(async () => {
  example = await buildSecp256k1Example();
});

describe('FAIRNESS.md section 11 worked example (ECVRF-SECP256K1-SHA256-TAI)', () => {
  it('is exactly what the code prints', () => {
    expect(doc).toContain(secp256k1ExampleMarkdown(example));
  });

  it('its room verifies as v2, closed, and no record stores the witnesses', () => {
    expect(verifyTranscript(example.transcript, example.keys)).toMatchObject({ ok: true, closed: true, pendingDraws: [], version: 2 });
    expect(example.transcript.records.map((r) => r.type)).toEqual(['receipt', 'outcome', 'close']);
    const record = example.transcript.records[1]!;
    expect(record).not.toHaveProperty('witnesses');
    expect(example.outcome).toMatchObject({ suite: SECP256K1_SUITE, alpha: example.outcome.record.alpha, pi: example.outcome.record.pi, beta: example.outcome.record.beta });
  });

  it('every value follows from the section\'s rules, recomputed without vrf/', () => {
    const x = BigInt(`0x${SECP256K1_SECRET_KEY}`);
    const Y = Point.BASE.multiply(x);
    const pk = Y.toBytes(true);
    expect(bytesToHex(pk)).toBe(example.keys.publicKey);
    const alpha = hexToBytes(example.outcome.alpha);
    const pi = hexToBytes(example.outcome.pi);
    const w = words(example.outcome.witnesses!);
    expect(w).toHaveLength(13);

    // encode_to_curve: the first ctr whose SHA-256(0xFE ‖ 0x01 ‖ Y ‖ alpha ‖ ctr ‖ 0x00), after 0x02, is a point.
    let H: InstanceType<typeof Point> | undefined;
    let ctr = 0;
    for (; !H; ctr++) {
      const hx = bytesToNumberBE(sha256(concatBytes(b(0xfe, 0x01), pk, alpha, b(ctr, 0x00))));
      const rhs = Fp.add(Fp.mul(Fp.sqr(hx), hx), 7n);
      let y: bigint | undefined;
      try {
        y = hx < P ? Fp.sqrt(rhs) : undefined;
      } catch {
        y = undefined;
      }
      if (y !== undefined && Fp.sqr(y) === rhs) H = Point.fromAffine({ x: hx, y: y & 1n ? P - y : y });
      else if (ctr < 4) {
        // A failed counter's witness root: 0 if the hash is >= p, else the even root of -(x^3 + 7).
        const root = w[1 + ctr]!;
        if (hx >= P) expect(root).toBe(0n);
        else expect([root & 1n, Fp.sqr(root)]).toEqual([0n, Fp.neg(rhs)]);
      }
    }
    ctr--;
    expect(w[0]).toBe(BigInt(ctr));
    expect(ctr).toBe(2); // the seed was chosen for this: two roots to show
    for (let i = ctr; i < 4; i++) expect(w[1 + i]).toBe(0n);

    // pi = Gamma(33) ‖ c(16) ‖ s(32); Gamma = x*H.
    expect(pi).toHaveLength(81);
    const Gamma = H!.multiply(x);
    expect(bytesToHex(pi.subarray(0, 33))).toBe(bytesToHex(Gamma.toBytes(true)));
    const c = bytesToNumberBE(pi.subarray(33, 49));
    const s = bytesToNumberBE(pi.subarray(49, 81));
    expect(s < N).toBe(true);
    const U = Point.BASE.multiply(s).subtract(Y.multiply(c));
    const sH = H!.multiply(s);
    const cGamma = Gamma.multiply(c);
    const V = sH.subtract(cGamma);
    // The nonce is RFC 6979's for h1 = SHA-256(H): an ECDSA signature of that hash by x (noble's own
    // RFC 6979) uses the same k, so its r is the x of k*B = U, mod n.
    const signature = secp256k1.sign(sha256(H!.toBytes(true)), hexToBytes(SECP256K1_SECRET_KEY), { prehash: false, lowS: false });
    expect(bytesToNumberBE(signature.subarray(0, 32))).toBe(U.toAffine().x % N);
    // c = the first 16 bytes of SHA-256(0xFE ‖ 0x02 ‖ Y ‖ H ‖ Gamma ‖ U ‖ V ‖ 0x00).
    const challenge = sha256(concatBytes(b(0xfe, 0x02), pk, H!.toBytes(true), Gamma.toBytes(true), U.toBytes(true), V.toBytes(true), b(0x00)));
    expect(bytesToNumberBE(challenge.subarray(0, 16))).toBe(c);
    // beta = SHA-256(0xFE ‖ 0x03 ‖ Gamma ‖ 0x00) (cofactor 1).
    expect(bytesToHex(sha256(concatBytes(b(0xfe, 0x03), Gamma.toBytes(true), b(0x00))))).toBe(example.outcome.beta);

    // The witnesses are U, s*H, c*Gamma and V, affine.
    const affine = (p: InstanceType<typeof Point>) => [p.toAffine().x, p.toAffine().y];
    expect(w.slice(5)).toEqual([...affine(U), ...affine(sH), ...affine(cGamma), ...affine(V)]);
    expect(example.outcome.witnesses).toBe(bytesToHex(encodeWitnesses(fastVerifyWitnesses(pk, pi, alpha))));
  });

  it('a changed byte of pi or alpha fails the proof and gets no witnesses', () => {
    const pk = hexToBytes(example.keys.publicKey);
    const alpha = hexToBytes(example.outcome.alpha);
    const pi = hexToBytes(example.outcome.pi);
    const suite = getSuite(SECP256K1_SUITE);
    expect(suite.verify(pk, alpha, pi)).toEqual({ valid: true, beta: hexToBytes(example.outcome.beta) });
    for (const at of [40, 80]) {
      const bad = pi.slice();
      bad[at]! ^= 1;
      expect(suite.verify(pk, alpha, bad).valid).toBe(false);
      expect(() => fastVerifyWitnesses(pk, bad, alpha)).toThrow();
    }
    const otherAlpha = alpha.slice();
    otherAlpha[alpha.length - 1]! ^= 1;
    expect(suite.verify(pk, otherAlpha, pi).valid).toBe(false);
    expect(() => fastVerifyWitnesses(pk, pi, otherAlpha)).toThrow(/challenge/);
  });

  it("a court answer with the outcome's beta and pi, payout 0, is right; with a byte of pi changed it is not", () => {
    const records = example.transcript.records as readonly DrawRecord[];
    const receipt = records[0] as ReceiptRecord;
    const outcome = records[1] as OutcomeRecord;
    const { terms } = receiptTerms(receipt, example.keys);
    const answer = { beta: outcome.beta, pi: outcome.pi, payout: 0 };
    expect(courtAnswerProblems(receipt, outcome.seeds[0]!, answer, records, example.keys.publicKey, terms)).toEqual([]);
    const bad = { ...answer, pi: `${outcome.pi.slice(0, 80)}${outcome.pi[80] === '0' ? '1' : '0'}${outcome.pi.slice(81)}` };
    expect(courtAnswerProblems(receipt, outcome.seeds[0]!, bad, records, example.keys.publicKey, terms)).not.toEqual([]);
  });
});
