/**
 * Fills in the gas of confirmed mint transactions recorded without it (those confirmed before
 * mint gas was recorded) from their receipts, a bounded number per call, so that gas per award
 * covers them too. Writes only where the gas is still unknown: never over what the minter wrote.
 * @module
 */
import type { Provider } from 'ethers';
import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';

/** Receipts read per call. */
const PER_CALL = 50;

/** Returns how many transactions it filled in. */
export async function backfillMintGas(db: Kysely<Schema>, provider: Provider, gameAssets: string): Promise<number> {
  const rows = await db.selectFrom('mint_txs').select('hash').where('contract', '=', gameAssets.toLowerCase()).where('state', '=', 'confirmed').where('gas_used', 'is', null).orderBy('n', 'desc').limit(PER_CALL).execute();
  let filled = 0;
  for (const { hash } of rows) {
    const receipt = await provider.getTransactionReceipt(hash);
    if (!receipt) continue;
    await db
      .updateTable('mint_txs')
      .set({ gas_used: receipt.gasUsed.toString(), gas_price: receipt.gasPrice.toString() })
      .where('hash', '=', hash)
      .where('gas_used', 'is', null)
      .execute();
    filled += 1;
  }
  return filled;
}
