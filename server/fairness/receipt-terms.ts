/**
 * The terms a draw is played under: those of the rules document whose hash its receipt carries,
 * whether the server serves those rules now or kept them from before (rules-archive.ts). A
 * receipt fixes its rules when it is signed; a draw settled later (after a restart with another
 * HOUSE_EDGE_BPS, or answered at the reveal court) must still be played by them. A kept document
 * is played by the mapping code this server runs, so it must name the same mapping version for
 * the draw's kind: another version's code is gone.
 * @module
 */
import type { RulesTerms } from '../../games/game-rules.ts';
import { outcomeMappings } from '../../games/registry.ts';
import type { ReceiptRecord } from '../../vrf/protocol/records.ts';
import type { FairnessContext } from './context.ts';
import type { RulesArchive } from './rules-archive.ts';

/**
 * The terms of `receipt`'s rules (undefined for a version 1 receipt, which names none), or why
 * there are none, as a sentence. Throws when the archive cannot be read.
 */
export async function receiptTerms(
  receipt: Pick<ReceiptRecord, 'game' | 'kind' | 'rulesHash'>,
  served: FairnessContext['rules'],
  archive: Pick<RulesArchive, 'find'> | undefined,
): Promise<RulesTerms | undefined | string> {
  if (receipt.rulesHash === undefined) return undefined;
  const current = served[receipt.game];
  if (current?.hash === receipt.rulesHash) return current.document.terms;
  const kept = await archive?.find(receipt.rulesHash);
  const now = current ? `serves ${receipt.game} under ${current.hash.slice(0, 16)}…` : `serves no rules of ${receipt.game}`;
  if (!kept) return `its receipt names rules ${receipt.rulesHash.slice(0, 16)}…, which this server has not kept (it ${now}): their terms are gone`;
  if (kept.game !== receipt.game) return `its receipt names rules ${receipt.rulesHash.slice(0, 16)}…, which are the rules of ${kept.game}, not ${receipt.game}`;
  const version = kept.mappings[receipt.kind];
  const running = outcomeMappings[`${receipt.game}/${receipt.kind}`]?.version;
  if (version === undefined || version !== running)
    return `its rules ${receipt.rulesHash.slice(0, 16)}… play ${receipt.kind} by mapping ${version ?? '(none)'}, and this server runs ${running ?? 'none'}: that mapping's code is gone`;
  return kept.terms;
}
