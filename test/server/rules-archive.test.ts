/**
 * The kept rules documents (server/fairness/rules-archive.ts), on SQLite and PostgreSQL: a
 * document kept is found by its hash, identical; keeping it again (every start does) changes
 * nothing, its first serving time included; a row whose text was altered, is not JSON, or is not
 * a rules document is never returned, and is logged; a hash never kept, or not a hash, finds nothing.
 */
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { dice } from '../../games/dice/rules.ts';
import { PUBLISHED_RULES } from '../../games/registry.ts';
import { rulesDocument, rulesHash } from '../../games/rules-document.ts';
import { SqlRulesArchive } from '../../server/fairness/rules-archive.ts';
import { BACKENDS, testDatabases } from '../helpers/databases.ts';

describe.each(BACKENDS)('the rules archive on %s', (backend) => {
  const databases = testDatabases(backend);

  it('keeps each document once, finds it by hash, and trusts no damaged row', async () => {
    const database = await databases.open(await databases.fresh());
    const lines: string[] = [];
    const archive = new SqlRulesArchive(database, pino({ level: 'info' }, { write: (line: string) => void lines.push(line) }));
    const served = [PUBLISHED_RULES['dice']!, PUBLISHED_RULES['raid']!];
    const earlier = rulesDocument(dice, { edgeBps: 250 });
    await archive.keep(served, 1000);
    await archive.keep([earlier, ...served], 2000);
    for (const doc of [...served, earlier]) expect(await archive.find(rulesHash(doc))).toEqual(doc);
    const times = await database.db.selectFrom('rules_documents').select(['hash', 'first_served_at']).execute();
    expect(times).toHaveLength(3);
    expect(Number(times.find((t) => t.hash === rulesHash(served[0]!))!.first_served_at)).toBe(1000);
    expect(Number(times.find((t) => t.hash === rulesHash(earlier))!.first_served_at)).toBe(2000);

    expect(await archive.find('ab'.repeat(32))).toBeUndefined();
    expect(await archive.find("' or 1=1 --")).toBeUndefined();

    const damaged = {
      altered: JSON.stringify({ ...earlier, terms: { edgeBps: 0 } }),
      'not JSON': '{"format":',
      'not a rules document': JSON.stringify({ format: 'fairplay-rules-v2', game: 'dice', terms: {} }),
    };
    for (const [what, text] of Object.entries(damaged)) {
      const hash = rulesHash({ ...earlier, terms: { edgeBps: 300 + what.length } });
      await database.db.insertInto('rules_documents').values({ hash, game: 'dice', document: text, first_served_at: 3000 }).execute();
      expect(await archive.find(hash), what).toBeUndefined();
      expect(lines.some((l) => l.includes(hash) && l.includes('a kept rules document is damaged')), what).toBe(true);
    }
    console.log(`${backend}: damaged rows refused: ${lines.map((l) => (JSON.parse(l) as { problem: string }).problem).join(' | ')}`);
  });
});
