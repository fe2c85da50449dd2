import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MintLog } from '../../server/awards/mint-log.ts';

const CONTRACT = '0x' + 'ab'.repeat(20);
const hash = (n: number) => '0x' + n.toString(16).padStart(64, '0');
const id = (n: number) => n.toString(16).padStart(64, '0');

describe('the mint log', () => {
  it('keeps sends, confirmations and voids across a reopen, per contract', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'mints-')), 'mints.jsonl');
    const log = await MintLog.open(file, CONTRACT);
    await log.recordSent({ hash: hash(1), nonce: 0, raw: '0x01', awardIds: [id(1), id(2)] });
    await log.recordSent({ hash: hash(2), nonce: 1, raw: '0x02', awardIds: [id(3)] });
    await log.recordConfirmed({ hash: hash(1), blockNumber: 5, blockHash: hash(50), awardIds: [id(1), id(2)] });
    await log.close();
    const again = await MintLog.open(file, CONTRACT.toUpperCase().replace('0X', '0x'));
    expect(again.mintOf(id(2))?.hash).toBe(hash(1));
    expect(again.unresolved().map((t) => t.hash)).toEqual([hash(2)]);
    expect(again.mayBeOnChain(id(3))).toBe(true);
    expect(again.mayBeOnChain(id(1))).toBe(false);
    await again.close();
    const other = await MintLog.open(file, '0x' + 'cd'.repeat(20));
    expect(other.mintOf(id(1))).toBeUndefined();
    expect(other.unresolved()).toEqual([]);
    await other.close();
  });

  it('merges confirmations of one transaction found piece by piece, and a void undoes them all', async () => {
    const log = await MintLog.open(join(mkdtempSync(join(tmpdir(), 'mints-')), 'mints.jsonl'), CONTRACT);
    await log.recordConfirmed({ hash: hash(7), blockNumber: 9, blockHash: hash(90), awardIds: [id(1)] });
    await log.recordConfirmed({ hash: hash(7), blockNumber: 9, blockHash: hash(90), awardIds: [id(2)] });
    await log.recordConfirmed({ hash: hash(8), blockNumber: 8, blockHash: hash(80), awardIds: [id(3)] });
    expect(log.newestConfirmation()?.awardIds).toEqual([id(1), id(2)]);
    await log.recordVoided(hash(7), 'its block is no longer on the chain');
    expect([log.mintOf(id(1)), log.mintOf(id(2))]).toEqual([undefined, undefined]);
    expect(log.mintOf(id(3))?.hash).toBe(hash(8));
    expect(log.newestConfirmation()?.hash).toBe(hash(8));
    expect(log.mayBeOnChain(id(1))).toBe(true);
    await log.close();
  });
});
