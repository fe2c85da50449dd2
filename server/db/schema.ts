/**
 * The tables of Fairplay's database, as Kysely sees them: one schema for both dialects (SQLite
 * and PostgreSQL), created and changed only by the migrations in `migrations.ts`.
 * @module
 */
import type { Generated } from 'kysely';

/** A seed commitment used under a VRF key: the primary key is what makes a second use impossible. */
export interface UsedCommitmentsTable {
  key_id: string;
  commitment: string;
}

/**
 * A draw, keyed by (room_id, draw_seq); `n` numbers draws in the order they were first indexed
 * and is the players' page cursor.
 */
export interface DrawsTable {
  n: Generated<number>;
  room_id: string;
  draw_seq: number;
  receipt_seq: number;
  receipt_hash: string;
  game: string;
  kind: string;
  issued_at: number;
  status: 'open' | 'settled' | 'void';
  end_seq: number | null;
  end_hash: string | null;
}

/** A player of a draw (lowercase address); the primary key (address, n) is the index a page reads. */
export interface DrawPlayersTable {
  address: string;
  n: number;
}

/** Rooms an index holds whole (their close record and every record before it are in). */
export interface IndexedRoomsTable {
  index_name: string;
  room_id: string;
}

/** A chip effect, in units: the primary key `ref` makes applying it twice impossible. */
export interface ChipEntriesTable {
  ref: string;
  /** Lowercase. */
  address: string;
  delta: number;
  reason: 'grant' | 'stake' | 'double' | 'payout' | 'refund' | 'cashout' | 'deposit';
}

/**
 * Each address's balance in units: the sum of its `chip_entries`, kept in the same transactions,
 * with what the bonus rule reads (docs/economy.md): the bonus granted (sum of `grant` entries),
 * the units staked (`stake` and `double`), and deposits less cash-outs.
 */
export interface ChipBalancesTable {
  address: string;
  units: number;
  bonus_units: Generated<number>;
  wagered_units: Generated<number>;
  net_deposit_units: Generated<number>;
}

/** A cash-out: its award (the coins to mint) and the player's idempotency key for the request. */
export interface WithdrawalsTable {
  award_id: string;
  address: string;
  request_id: string;
  coins: number;
  /** Milliseconds since 1970. */
  requested_at: number;
}

/** A deposit credited: coins burned on chain by `address` (`<chainId>:<txHash>:<logIndex>`). */
export interface DepositsTable {
  deposit_id: string;
  address: string;
  coins: number;
  block_number: number;
  tx_hash: string;
  credited_at: number;
}

export interface DepositCursorsTable {
  contract: string;
  next_block: number;
}

/** A starting bonus given: to whom, from which client IP (keyed hash) and session key, when (ms). */
export interface BonusGrantsTable {
  address: string;
  ip_key: string;
  session_key: string;
  granted_at: number;
}

/** A token's total supply at a time (ms), as a decimal string. */
export interface EconomySamplesTable {
  at: number;
  token_id: number;
  supply: string;
}

/**
 * An award to mint, once by `award_id` (the primary key); `n` is the order it was recorded in,
 * which the minter drains by. `address` is `player` in lowercase, for the players' listings.
 */
export interface AwardsTable {
  award_id: string;
  n: number;
  player: string;
  address: string;
  token_id: number;
  amount: number;
  room_id: string;
  draw_seq: number;
  record_seq: number;
  record_hash: string;
}

/**
 * A mint transaction, by hash: sent by the minter (`nonce`, the signed `raw` bytes and the
 * `award_ids` it carries, as JSON) or only found on chain, and its verdict. `n` is the order
 * it was first recorded in.
 */
export interface MintTxsTable {
  hash: string;
  /** Lowercase address of the contract it mints on. */
  contract: string;
  n: number;
  state: 'sent' | 'confirmed' | 'voided';
  nonce: number | null;
  raw: string | null;
  award_ids: string | null;
  block_number: number | null;
  block_hash: string | null;
  reason: string | null;
  /** Set when confirmed: the receipt's gasUsed and effective gas price (wei), as decimal strings. */
  gas_used: Generated<string | null>;
  gas_price: Generated<string | null>;
}

/** Every award a transaction carried or was confirmed with: awards that may be on chain. */
export interface MintTxAwardsTable {
  hash: string;
  award_id: string;
}

/** Awards minted on a contract, by the confirmed transaction that minted them. */
export interface MintedAwardsTable {
  contract: string;
  award_id: string;
  hash: string;
}

/**
 * A room, from its first record: `room_id` is never reused. `owner` is the process that runs it
 * (`local`, or its NODE_ID in a cluster); the close record's figures are copied here when the
 * room is filed, for the listing of finished rooms.
 */
export interface RoomsTable {
  room_id: string;
  owner: string;
  status: 'open' | 'closed';
  opened_at: number;
  closed_at: number | null;
  draws: number | null;
  records: number | null;
  head: string | null;
  /** Why a start set the room aside (its records cannot be read back), and when; null for a sound room. */
  damaged: string | null;
  damaged_at: number | null;
}

/** A room's public record, as the JSON text it is served as; the key makes a seq unwritable twice. */
export interface RoomRecordsTable {
  room_id: string;
  seq: number;
  hash: string;
  json: string;
}

/** A seed revealed for a draw (private: never served; read back only to settle the draw after a crash). */
export interface RoomRevealsTable {
  room_id: string;
  draw_seq: number;
  address: string;
  seed: string;
}

/** An anchor: the Merkle root over the room heads that changed in one period (`server/fairness-chain/`). */
export interface AnchorsTable {
  anchor_index: number;
  /** 0x-prefixed 32-byte hex. */
  root: string;
  leaf_count: number;
  /** Milliseconds since 1970, when the tree was built. */
  created_at: number;
}

/** A room head in an anchor's tree: the room's record `last_seq` and its hash (64 hex). */
export interface AnchorLeavesTable {
  anchor_index: number;
  room_id: string;
  last_seq: number;
  head_hash: string;
  /** JSON array of 0x-prefixed 32-byte sibling hashes, leaf to root. */
  proof: string;
}

/** A room's last anchored head; `closed` (0 or 1): that head is its close, so the room changes no more. */
export interface AnchoredHeadsTable {
  room_id: string;
  last_seq: number;
  anchor_index: number;
  closed: number;
}

/** The reveal court watcher's place in the chain: the next block to read `Revealed` events from, per court (lowercase address). */
export interface CourtCursorsTable {
  court: string;
  next_block: number;
}

/**
 * A rules document the server served (its canonical JSON), by its hash (64 hex), kept for good:
 * a court case on a receipt under rules served before is answered under that receipt's terms.
 */
export interface RulesDocumentsTable {
  hash: string;
  game: string;
  document: string;
  /** Milliseconds since 1970, when a start first served it. */
  first_served_at: number;
}

export interface Schema {
  withdrawals: WithdrawalsTable;
  deposits: DepositsTable;
  deposit_cursors: DepositCursorsTable;
  bonus_grants: BonusGrantsTable;
  economy_samples: EconomySamplesTable;
  court_cursors: CourtCursorsTable;
  rules_documents: RulesDocumentsTable;
  anchors: AnchorsTable;
  anchor_leaves: AnchorLeavesTable;
  anchored_heads: AnchoredHeadsTable;
  rooms: RoomsTable;
  room_records: RoomRecordsTable;
  room_reveals: RoomRevealsTable;
  awards: AwardsTable;
  mint_txs: MintTxsTable;
  mint_tx_awards: MintTxAwardsTable;
  minted_awards: MintedAwardsTable;
  chip_entries: ChipEntriesTable;
  chip_balances: ChipBalancesTable;
  used_commitments: UsedCommitmentsTable;
  draws: DrawsTable;
  draw_players: DrawPlayersTable;
  indexed_rooms: IndexedRoomsTable;
}
