/**
 * Every rules document this server has ever served, kept by hash in the database
 * (`rules_documents`, migration 0008-rules-documents). A receipt pins its rules by hash; once the
 * operator changes them (HOUSE_EDGE_BPS, a new mapping version) the served rules no longer hold
 * an earlier receipt's terms, yet the reveal court still asks for its answer until its deadline.
 * Without them such a case could only be claimed, for its whole maxPayout: a player who withheld
 * their seeds (their draws voided, stakes refunded) would then collect on every one of them.
 *
 * Each start keeps the documents it serves (idempotently: the first start that served a document
 * stays its `first_served_at`). A document read back is trusted only after its hash is worked out
 * again from its text: a damaged row is logged and skipped, never answered from.
 * @module
 */
import type { Logger } from 'pino';
import { z } from 'zod';
import type { RulesTerms } from '../../games/game-rules.ts';
import { RULES_FORMAT, rulesHash, type RulesDocument } from '../../games/rules-document.ts';
import { canonicalJson, type JsonValue } from '../../vrf/protocol/encoding.ts';
import type { Database } from '../db/database.ts';

/** A rules hash: 64 lowercase hex digits, as receipts carry it. */
export const RULES_HASH = /^[0-9a-f]{64}$/;

/** What the court and GET /rules/:hash ask of the archive. */
export interface RulesArchive {
  /** The document whose hash is `hash`, checked; undefined when none was served (or its row is damaged). */
  find(hash: string): Promise<RulesDocument | undefined>;
}

const DocumentSchema = z.strictObject({
  format: z.literal(RULES_FORMAT),
  game: z.string().min(1),
  mappings: z.record(z.string(), z.string()),
  terms: z.record(z.string(), z.unknown()),
});

export class SqlRulesArchive implements RulesArchive {
  constructor(
    private readonly database: Database,
    private readonly log: Logger,
  ) {}

  /** Keeps each document served now; one already kept is left as it is. */
  async keep(documents: readonly RulesDocument[], now: number = Date.now()): Promise<void> {
    if (documents.length === 0) return;
    const rows = documents.map((d) => ({ hash: rulesHash(d), game: d.game, document: canonicalJson(d as unknown as JsonValue), first_served_at: now }));
    await this.database.db
      .insertInto('rules_documents')
      .values(rows)
      .onConflict((oc) => oc.column('hash').doNothing())
      .execute();
  }

  async find(hash: string): Promise<RulesDocument | undefined> {
    if (!RULES_HASH.test(hash)) return undefined;
    const row = await this.database.db.selectFrom('rules_documents').select(['game', 'document']).where('hash', '=', hash).executeTakeFirst();
    if (!row) return undefined;
    const problem = (why: string): undefined => void this.log.error({ rulesHash: hash, game: row.game, problem: why }, 'a kept rules document is damaged: not used');
    let parsed: unknown;
    try {
      parsed = JSON.parse(row.document);
    } catch (e) {
      return problem(`its text is not JSON: ${(e as Error).message}`);
    }
    const doc = DocumentSchema.safeParse(parsed);
    if (!doc.success) return problem(`it is not a rules document: ${doc.error.issues.map((i) => `${i.path.join('.') || 'document'}: ${i.message}`).join('; ')}`);
    const document: RulesDocument = { ...doc.data, terms: doc.data.terms as RulesTerms };
    const actual = rulesHash(document);
    if (actual !== hash) return problem(`its text hashes to ${actual}`);
    if (document.game !== row.game) return problem(`it names game ${document.game}, its row ${row.game}`);
    return document;
  }
}
