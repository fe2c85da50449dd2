/**
 * The published secp256k1 ECVRF vectors (test/vectors/secp256k1-published.json: vechain/go-ecvrf,
 * witnet/vrf-solidity, KlayOracle/go-ecvrf). They follow earlier drafts, so our suite refuses
 * them; the generic algorithm with the draft's `construction` (and, for witnet, its nonce)
 * reproduces them, and so does the independent reference with the draft's byte rules. Dropping
 * any one of the documented differences breaks the match: each is needed, and together they are
 * the whole difference.
 */
import { describe, expect, it } from 'vitest';
import { bytesToHex } from '@noble/hashes/utils.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { getSuite } from '../../vrf/index.ts';
import { hex, publishedSecp256k1, type PublishedSet } from './vectors.ts';
import { draftSuite } from './secp256k1-drafts.ts';
import { DRAFT_06, referenceProve, referenceVerify, RFC9381, WITNET, type Rules } from './secp256k1-reference.ts';

const ours = getSuite('ECVRF-SECP256K1-SHA256-TAI');

function rulesOf(set: PublishedSet): Rules {
  if (set.construction === 'draft-10') return { ...RFC9381, keyInChallenge: false };
  return set.nonce === 'witnet' ? WITNET : DRAFT_06;
}

describe('published secp256k1 ECVRF vectors', () => {
  it('has the three sets, each with its source pinned to a commit', () => {
    expect(Object.keys(publishedSecp256k1).sort()).toEqual(['klayoracle', 'vechain', 'witnet']);
    for (const set of Object.values(publishedSecp256k1)) {
      expect(set.source).toMatch(/^https:\/\/github\.com\/.+\/blob\/[0-9a-f]{40}\//);
      expect(set.examples.length).toBeGreaterThan(0);
    }
  });

  for (const [name, set] of Object.entries(publishedSecp256k1)) {
    const suite = draftSuite(set.construction, set.nonce);
    const rules = rulesOf(set);
    const provable = set.nonce !== 'unknown';

    describe(`${name} (${set.construction}, nonce ${set.nonce})`, () => {
      set.examples.forEach((e, i) => {
        const [sk, pk, alpha, pi] = [hex(e.sk), hex(e.pk), hex(e.alpha), hex(e.pi)];

        it(`example ${i + 1}: the draft suite derives the key, verifies and gives their beta${provable ? ', and proves their exact bytes' : ''}`, () => {
          expect(bytesToHex(suite.publicKey(sk))).toBe(e.pk);
          expect(suite.verify(pk, alpha, pi)).toEqual({ valid: true, beta: hex(e.beta) });
          expect(bytesToHex(suite.proofToHash(pi))).toBe(e.beta);
          if (provable) expect(bytesToHex(suite.prove(sk, alpha))).toBe(e.pi);
          else expect(bytesToHex(suite.prove(sk, alpha))).not.toBe(e.pi); // still their construction, another nonce
        });

        it(`example ${i + 1}: the independent reference with the draft's byte rules agrees`, () => {
          expect(bytesToHex(referenceVerify(pk, alpha, pi, rules)!)).toBe(e.beta);
          if (provable) expect(bytesToHex(referenceProve(sk, alpha, rules).pi)).toBe(e.pi);
        });

        it(`example ${i + 1}: ECVRF-SECP256K1-SHA256-TAI refuses the proof`, () => {
          const r = ours.verify(pk, alpha, pi);
          expect(r.valid).toBe(false);
          if (!r.valid) expect(r.reason).toMatch(/challenge does not match/);
        });
      });

      if (set.construction === 'draft-10') {
        it('draft-10 hashes like RFC 9381 except the challenge: our Gamma and beta, other c and s', () => {
          for (const e of set.examples) {
            const mine = ours.prove(hex(e.sk), hex(e.alpha));
            expect(bytesToHex(mine.subarray(0, 33))).toBe(e.pi.slice(0, 66));
            expect(bytesToHex(ours.proofToHash(hex(e.pi)))).toBe(e.beta);
          }
        });
      } else {
        it('draft-06 hashes alpha to another H, so Gamma and beta differ from ours too', () => {
          for (const e of set.examples) {
            const mine = ours.prove(hex(e.sk), hex(e.alpha));
            expect(bytesToHex(mine.subarray(0, 33))).not.toBe(e.pi.slice(0, 66));
          }
        });
      }
    });
  }

  describe('each documented difference is needed (vechain, witnet example 1: same key and alpha)', () => {
    const v = publishedSecp256k1['vechain']!.examples[0]!;
    const w = publishedSecp256k1['witnet']!.examples[0]!;
    const [sk, alpha] = [hex(v.sk), hex(v.alpha)];
    const prove = (rules: Rules) => bytesToHex(referenceProve(sk, alpha, rules).pi);

    it('vechain = RFC 9381 without the back bytes and without Y in the challenge; either alone is not enough', () => {
      expect(prove(DRAFT_06)).toBe(v.pi);
      expect(prove({ ...DRAFT_06, backByte: true })).not.toBe(v.pi);
      expect(prove({ ...DRAFT_06, keyInChallenge: true })).not.toBe(v.pi);
      expect(prove(RFC9381)).not.toBe(v.pi);
    });

    it('witnet = vechain with RFC 6979 run on H itself: same Gamma and beta, different k, so c and s differ', () => {
      expect(prove(WITNET)).toBe(w.pi);
      expect(w.pi.slice(0, 66)).toBe(v.pi.slice(0, 66));
      expect(w.beta).toBe(v.beta);
      expect(prove({ ...WITNET, nonceDigest: (h) => sha256(h) })).toBe(v.pi);
    });
  });
});
