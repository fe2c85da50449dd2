/**
 * The SQLite statement cache (server/db/statement-cache.ts): one compile per SQL text, a busy
 * statement never shared, a bound on what is kept, and a schema change seen by a kept statement.
 */
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { cachingStatements } from '../../server/db/statement-cache.ts';

function fresh() {
  const handle = new BetterSqlite3(':memory:');
  handle.exec('create table t (n integer)');
  handle.exec('insert into t values (1), (2), (3)');
  return { handle, db: cachingStatements(handle, 2) };
}

describe('SQLite statement cache', () => {
  it('hands out the same compiled statement for the same text', () => {
    const { db } = fresh();
    const first = db.prepare('select n from t order by n');
    expect(db.prepare('select n from t order by n')).toBe(first);
    expect(first.all([])).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
  });

  it('prepares another statement while the kept one is being iterated', () => {
    const { db } = fresh();
    const outer = db.prepare('select n from t order by n');
    const seen: number[][] = [];
    for (const row of outer.iterate([]) as Iterable<{ n: number }>) {
      const inner = db.prepare('select n from t order by n');
      expect(inner).not.toBe(outer);
      seen.push((inner.all([]) as { n: number }[]).map((r) => r.n).concat(row.n));
    }
    expect(seen).toEqual([[1, 2, 3, 1], [1, 2, 3, 2], [1, 2, 3, 3]]);
    // Iteration over: the kept statement is handed out again.
    expect(db.prepare('select n from t order by n')).toBe(outer);
  });

  it('keeps at most its capacity, dropping the least recently used', () => {
    const { db } = fresh();
    const a = db.prepare('select 1');
    const b = db.prepare('select 2');
    expect(db.prepare('select 1')).toBe(a); // a is now the most recent
    db.prepare('select 3'); // evicts b
    expect(db.prepare('select 1')).toBe(a);
    expect(db.prepare('select 2')).not.toBe(b);
  });

  it('writes through kept statements and sees a schema change', () => {
    const { handle, db } = fresh();
    const insert = db.prepare('insert into t values (?)');
    insert.run([4]);
    db.prepare('insert into t values (?)').run([5]);
    expect(db.prepare('select count(*) as c from t').all([])).toEqual([{ c: 5 }]);
    const star = db.prepare('select * from t where n = ?');
    expect(star.all([5])).toEqual([{ n: 5 }]);
    handle.exec('alter table t add column m integer default 7');
    expect(db.prepare('select count(*) as c from t').all([])).toEqual([{ c: 5 }]);
    expect(db.prepare('select * from t where n = ?')).toBe(star);
    expect(star.all([5])).toEqual([{ n: 5, m: 7 }]);
  });

  it('refuses a capacity that is not a positive integer', () => {
    const handle = new BetterSqlite3(':memory:');
    expect(() => cachingStatements(handle, 0)).toThrow(/positive integer/);
    handle.close();
  });
});
