/**
 * A draw is played under the rules its receipt names (server/fairness/receipt-terms.ts): served
 * now, or kept from before; never under the rules served now when the receipt names others.
 */
import { describe, expect, it } from 'vitest';
import { GAMES, PUBLISHED_RULES } from '../../games/registry.ts';
import { rulesDocument, rulesHash, type RulesDocument } from '../../games/rules-document.ts';
import { receiptTerms } from '../../server/fairness/receipt-terms.ts';

const dice = GAMES.find((g) => g.id === 'dice')!;
const now = rulesDocument(dice, { edgeBps: 200 });
const before = rulesDocument(dice, { edgeBps: 100 });
const served = { dice: { document: now, hash: rulesHash(now) } };
const archive = (docs: RulesDocument[]) => ({ find: async (hash: string) => docs.find((d) => rulesHash(d) === hash) });
const receipt = (doc: RulesDocument | undefined) => ({ game: 'dice', kind: 'roll', rulesHash: doc && rulesHash(doc) });

describe("a receipt's terms", () => {
  it('are the served rules when the receipt names them', async () => {
    expect(await receiptTerms(receipt(now), served, archive([]))).toEqual(now.terms);
  });
  it('are the kept rules when the receipt names earlier ones, not the rules served now', async () => {
    expect(await receiptTerms(receipt(before), served, archive([before, now]))).toEqual(before.terms);
    expect((before.terms as { edgeBps: number }).edgeBps).toBe(100);
  });
  it('are unknown, with the reason, for rules never kept, of another game, or of another mapping version', async () => {
    expect(await receiptTerms(receipt(before), served, archive([]))).toMatch(/has not kept/);
    expect(await receiptTerms(receipt(before), served, undefined)).toMatch(/has not kept/);
    const raid = PUBLISHED_RULES['raid']!;
    expect(await receiptTerms({ ...receipt(before), rulesHash: rulesHash(raid) }, served, archive([raid]))).toMatch(/rules of raid, not dice/);
    const oldMapping = { ...before, mappings: { roll: 'dice-v0' } };
    expect(await receiptTerms(receipt(oldMapping), served, archive([oldMapping]))).toMatch(/mapping dice-v0.*code is gone/);
  });
  it('are none for a version 1 receipt, which names no rules', async () => {
    expect(await receiptTerms(receipt(undefined), served, archive([]))).toBeUndefined();
  });
});
