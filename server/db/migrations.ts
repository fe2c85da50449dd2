/**
 * The database's versioned migrations, in code, run by Kysely's Migrator at every start
 * (`database.ts`). A migration, once released, is never edited: a change is a new one, named
 * after the last with the next number. Each receives the dialect, for the few column types
 * the two spell differently.
 * @module
 */
import { sql, type Kysely, type Migration } from 'kysely';

export type DialectName = 'sqlite' | 'postgres';

export function migrations(dialect: DialectName): Record<string, Migration> {
  return {
    '0001-indexes': {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('used_commitments')
          .addColumn('key_id', 'text', (c) => c.notNull())
          .addColumn('commitment', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('used_commitments_pk', ['key_id', 'commitment'])
          .execute();
        await db.schema
          .createTable('draws')
          // Numbered in the order first indexed: SQLite's rowid, a Postgres identity.
          .addColumn('n', dialect === 'sqlite' ? 'integer' : 'bigint', (c) =>
            dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey().generatedByDefaultAsIdentity(),
          )
          .addColumn('room_id', 'text', (c) => c.notNull())
          .addColumn('draw_seq', 'bigint', (c) => c.notNull())
          .addColumn('receipt_seq', 'bigint', (c) => c.notNull())
          .addColumn('receipt_hash', 'text', (c) => c.notNull())
          .addColumn('game', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('issued_at', 'bigint', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull().defaultTo('open').check(sql`status in ('open', 'settled', 'void')`))
          .addColumn('end_seq', 'bigint')
          .addColumn('end_hash', 'text')
          .addUniqueConstraint('draws_room_draw', ['room_id', 'draw_seq'])
          .execute();
        await db.schema
          .createTable('draw_players')
          .addColumn('address', 'text', (c) => c.notNull())
          .addColumn('n', 'bigint', (c) => c.notNull().references('draws.n'))
          .addPrimaryKeyConstraint('draw_players_pk', ['address', 'n'])
          .execute();
        await db.schema
          .createTable('indexed_rooms')
          .addColumn('index_name', 'text', (c) => c.notNull())
          .addColumn('room_id', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('indexed_rooms_pk', ['index_name', 'room_id'])
          .execute();
      },
    },
    '0002-chips': {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('chip_entries')
          .addColumn('ref', 'text', (c) => c.primaryKey())
          .addColumn('address', 'text', (c) => c.notNull())
          .addColumn('delta', 'bigint', (c) => c.notNull())
          .addColumn('reason', 'text', (c) => c.notNull().check(sql`reason in ('grant', 'stake', 'double', 'payout', 'refund')`))
          .execute();
        await db.schema
          .createTable('chip_balances')
          .addColumn('address', 'text', (c) => c.primaryKey())
          .addColumn('units', 'bigint', (c) => c.notNull())
          .execute();
      },
    },
    '0003-awards': {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('awards')
          .addColumn('award_id', 'text', (c) => c.primaryKey())
          // The order recorded in, given by the writing transaction (writers take turns): the minter drains by it.
          .addColumn('n', 'bigint', (c) => c.notNull().unique())
          .addColumn('player', 'text', (c) => c.notNull())
          .addColumn('address', 'text', (c) => c.notNull())
          .addColumn('token_id', 'bigint', (c) => c.notNull())
          .addColumn('amount', 'bigint', (c) => c.notNull())
          .addColumn('room_id', 'text', (c) => c.notNull())
          .addColumn('draw_seq', 'bigint', (c) => c.notNull())
          .addColumn('record_seq', 'bigint', (c) => c.notNull())
          .addColumn('record_hash', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('awards_by_address').on('awards').columns(['address', 'n']).execute();
        await db.schema
          .createTable('mint_txs')
          .addColumn('hash', 'text', (c) => c.primaryKey())
          .addColumn('contract', 'text', (c) => c.notNull())
          .addColumn('n', 'bigint', (c) => c.notNull().unique())
          .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('sent', 'confirmed', 'voided')`))
          .addColumn('nonce', 'bigint')
          .addColumn('raw', 'text')
          .addColumn('award_ids', 'text')
          .addColumn('block_number', 'bigint')
          .addColumn('block_hash', 'text')
          .addColumn('reason', 'text')
          .execute();
        await db.schema.createIndex('mint_txs_by_state').on('mint_txs').columns(['contract', 'state', 'block_number']).execute();
        await db.schema
          .createTable('mint_tx_awards')
          .addColumn('hash', 'text', (c) => c.notNull().references('mint_txs.hash'))
          .addColumn('award_id', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('mint_tx_awards_pk', ['hash', 'award_id'])
          .execute();
        await db.schema.createIndex('mint_tx_awards_by_award').on('mint_tx_awards').columns(['award_id']).execute();
        await db.schema
          .createTable('minted_awards')
          .addColumn('contract', 'text', (c) => c.notNull())
          .addColumn('award_id', 'text', (c) => c.notNull())
          .addColumn('hash', 'text', (c) => c.notNull().references('mint_txs.hash'))
          .addPrimaryKeyConstraint('minted_awards_pk', ['contract', 'award_id'])
          .execute();
        await db.schema.createIndex('minted_awards_by_hash').on('minted_awards').columns(['hash']).execute();
      },
    },
    '0004-rooms': {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('rooms')
          .addColumn('room_id', 'text', (c) => c.primaryKey())
          .addColumn('owner', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('open', 'closed')`))
          .addColumn('opened_at', 'bigint', (c) => c.notNull())
          .addColumn('closed_at', 'bigint')
          .addColumn('draws', 'bigint')
          .addColumn('records', 'bigint')
          .addColumn('head', 'text')
          .execute();
        // Recovery asks for an owner's open rooms; the listing reads closed rooms in filing order.
        await db.schema.createIndex('rooms_open_by_owner').on('rooms').columns(['status', 'owner']).execute();
        await db.schema.createIndex('rooms_closed_order').on('rooms').columns(['closed_at', 'room_id']).execute();
        await db.schema
          .createTable('room_records')
          .addColumn('room_id', 'text', (c) => c.notNull().references('rooms.room_id'))
          .addColumn('seq', 'bigint', (c) => c.notNull())
          .addColumn('hash', 'text', (c) => c.notNull())
          .addColumn('json', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('room_records_pk', ['room_id', 'seq'])
          .execute();
        await db.schema
          .createTable('room_reveals')
          .addColumn('room_id', 'text', (c) => c.notNull().references('rooms.room_id'))
          .addColumn('draw_seq', 'bigint', (c) => c.notNull())
          .addColumn('address', 'text', (c) => c.notNull())
          .addColumn('seed', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('room_reveals_pk', ['room_id', 'draw_seq', 'address'])
          .execute();
      },
    },
    '0005-damaged-rooms': {
      async up(db: Kysely<any>) {
        // A room whose records a start could not read is set aside, not deleted: why, and when.
        await db.schema.alterTable('rooms').addColumn('damaged', 'text').execute();
        await db.schema.alterTable('rooms').addColumn('damaged_at', 'bigint').execute();
      },
    },
    '0006-anchors': {
      async up(db: Kysely<any>) {
        // An anchor: one Merkle root over the room heads that changed in a period, posted to the registry.
        await db.schema
          .createTable('anchors')
          .addColumn('anchor_index', 'bigint', (c) => c.primaryKey())
          .addColumn('root', 'text', (c) => c.notNull())
          .addColumn('leaf_count', 'bigint', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('anchor_leaves')
          .addColumn('anchor_index', 'bigint', (c) => c.notNull().references('anchors.anchor_index'))
          .addColumn('room_id', 'text', (c) => c.notNull())
          .addColumn('last_seq', 'bigint', (c) => c.notNull())
          .addColumn('head_hash', 'text', (c) => c.notNull())
          // The leaf's proof, as JSON: built with the tree, so serving it hashes nothing.
          .addColumn('proof', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('anchor_leaves_pk', ['anchor_index', 'room_id'])
          .execute();
        // A room's anchors, newest first: the transcript's proof.
        await db.schema.createIndex('anchor_leaves_by_room').on('anchor_leaves').columns(['room_id', 'anchor_index']).execute();
        // Each room's last anchored head: what the next anchor compares with.
        await db.schema
          .createTable('anchored_heads')
          .addColumn('room_id', 'text', (c) => c.primaryKey())
          .addColumn('last_seq', 'bigint', (c) => c.notNull())
          .addColumn('anchor_index', 'bigint', (c) => c.notNull())
          .addColumn('closed', 'integer', (c) => c.notNull())
          .execute();
      },
    },
    '0007-court': {
      async up(db: Kysely<any>) {
        // The reveal court's watcher: the next block whose Revealed events it has not answered yet, per court contract.
        await db.schema
          .createTable('court_cursors')
          .addColumn('court', 'text', (c) => c.primaryKey())
          .addColumn('next_block', 'bigint', (c) => c.notNull())
          .execute();
      },
    },
    '0008-rules-documents': {
      async up(db: Kysely<any>) {
        // Every rules document the server has served, by its hash: the terms of a receipt under rules served before.
        await db.schema
          .createTable('rules_documents')
          .addColumn('hash', 'text', (c) => c.primaryKey())
          .addColumn('game', 'text', (c) => c.notNull())
          .addColumn('document', 'text', (c) => c.notNull())
          .addColumn('first_served_at', 'bigint', (c) => c.notNull())
          .execute();
      },
    },
    '0009-economy': {
      async up(db: Kysely<any>) {
        // Two new kinds of chip entry: a cash-out and a deposit. The reason's check is widened; SQLite
        // cannot alter a check, so there the table is copied into one that has the new check.
        const reasons = sql`reason in ('grant', 'stake', 'double', 'payout', 'refund', 'cashout', 'deposit')`;
        if (dialect === 'postgres') {
          await sql`alter table chip_entries drop constraint if exists chip_entries_reason_check`.execute(db);
          await sql`alter table chip_entries add constraint chip_entries_reason_check check (${reasons})`.execute(db);
        } else {
          await db.schema
            .createTable('chip_entries_0009')
            .addColumn('ref', 'text', (c) => c.primaryKey())
            .addColumn('address', 'text', (c) => c.notNull())
            .addColumn('delta', 'bigint', (c) => c.notNull())
            .addColumn('reason', 'text', (c) => c.notNull().check(reasons))
            .execute();
          await sql`insert into chip_entries_0009 (ref, address, delta, reason) select ref, address, delta, reason from chip_entries`.execute(db);
          await db.schema.dropTable('chip_entries').execute();
          await sql`alter table chip_entries_0009 rename to chip_entries`.execute(db);
        }
        // Chips and coins as one currency (docs/economy.md). Per address: the bonus the address was
        // granted (never withdrawable), the units it has staked (the wagering requirement's
        // progress) and its deposits less its cash-outs, kept with its balance in the same
        // transactions as the chip entries they count.
        await db.schema.alterTable('chip_balances').addColumn('bonus_units', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
        await db.schema.alterTable('chip_balances').addColumn('wagered_units', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
        await db.schema.alterTable('chip_balances').addColumn('net_deposit_units', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
        // Addresses that played before: their starting allowance was a bonus, and their stakes count (less the refunds of voided bets, never at risk).
        await sql`update chip_balances set
          bonus_units = coalesce((select sum(e.delta) from chip_entries e where e.address = chip_balances.address and e.reason = 'grant'), 0),
          wagered_units = coalesce((select -sum(e.delta) from chip_entries e where e.address = chip_balances.address and e.reason in ('stake', 'double', 'refund')), 0)`.execute(db);
        // A cash-out: chips taken (chip entry `withdrawal/<award_id>`) and coins owed (the award `award_id`).
        await db.schema
          .createTable('withdrawals')
          .addColumn('award_id', 'text', (c) => c.primaryKey())
          .addColumn('address', 'text', (c) => c.notNull())
          .addColumn('request_id', 'text', (c) => c.notNull())
          .addColumn('coins', 'bigint', (c) => c.notNull())
          .addColumn('requested_at', 'bigint', (c) => c.notNull())
          .addUniqueConstraint('withdrawals_request', ['address', 'request_id'])
          .execute();
        await db.schema.createIndex('withdrawals_by_time').on('withdrawals').columns(['requested_at']).execute();
        // A deposit: coins burned on chain, credited once (chip entry `deposit/<deposit_id>`).
        await db.schema
          .createTable('deposits')
          .addColumn('deposit_id', 'text', (c) => c.primaryKey())
          .addColumn('address', 'text', (c) => c.notNull())
          .addColumn('coins', 'bigint', (c) => c.notNull())
          .addColumn('block_number', 'bigint', (c) => c.notNull())
          .addColumn('tx_hash', 'text', (c) => c.notNull())
          .addColumn('credited_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('deposits_by_time').on('deposits').columns(['credited_at']).execute();
        // The deposit watcher's next block to read, per GameAssets contract.
        await db.schema
          .createTable('deposit_cursors')
          .addColumn('contract', 'text', (c) => c.primaryKey())
          .addColumn('next_block', 'bigint', (c) => c.notNull())
          .execute();
        // Who got a starting bonus, from which client IP (a keyed hash, never the address itself) and session key.
        await db.schema
          .createTable('bonus_grants')
          .addColumn('address', 'text', (c) => c.primaryKey())
          .addColumn('ip_key', 'text', (c) => c.notNull())
          .addColumn('session_key', 'text', (c) => c.notNull())
          .addColumn('granted_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('bonus_grants_by_ip').on('bonus_grants').columns(['ip_key', 'granted_at']).execute();
        await db.schema.createIndex('bonus_grants_by_session').on('bonus_grants').columns(['session_key', 'granted_at']).execute();
        // Token supply sampled over time, for /economy (decimal strings: supplies are uint256).
        await db.schema
          .createTable('economy_samples')
          .addColumn('at', 'bigint', (c) => c.notNull())
          .addColumn('token_id', 'integer', (c) => c.notNull())
          .addColumn('supply', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('economy_samples_pk', ['at', 'token_id'])
          .execute();
        // What each confirmed mint transaction cost (decimal strings), for gas per award and per player.
        await db.schema.alterTable('mint_txs').addColumn('gas_used', 'text').execute();
        await db.schema.alterTable('mint_txs').addColumn('gas_price', 'text').execute();
      },
    },
  };
}
