import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propertyParams } from '../helpers/seed.ts';
import { AppliedRefs } from '../../server/chips/applied-refs.ts';

describe('AppliedRefs', () => {
  it('holds exactly the references added, compact or not', () => {
    const ref = fc.oneof(
      fc.tuple(fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/), fc.nat({ max: 999_999_999 }), fc.constantFrom('stake', 'payout', 'refund', 'double')).map(([room, seq, kind]) => `${room}/${seq}/${kind}`),
      fc.string({ maxLength: 30 }),
      fc.constantFrom('grant/0xabc', 'r1/1/stake', 'r1/1/payout', 'r1/01/stake', 'r1/1/bonus', 'r/1/2/stake'),
    );
    fc.assert(
      fc.property(fc.array(ref, { maxLength: 40 }), fc.array(ref, { maxLength: 40 }), (added, probed) => {
        const refs = new AppliedRefs();
        for (const r of added) refs.add(r);
        for (const r of [...added, ...probed]) expect(refs.has(r)).toBe(added.includes(r));
      }),
      propertyParams('AppliedRefs holds exactly the references added'),
    );
  });
});
