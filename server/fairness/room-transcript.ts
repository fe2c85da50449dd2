/**
 * One room's draws: receipts, reveals, proofs and the hash-chained transcript (FAIRNESS.md).
 *
 * Every record is durable (its transaction committed, `room-records.ts`) before anyone is told
 * of it. Reveals are written too (privately) before the outcome is recorded, so a server that crashes after seeing the seeds settles the draw with the
 * same, deterministic outcome on restart instead of being able to refund a bad one.
 * @module
 */
import { receiptTerms } from './receipt-terms.ts';
import { receiptAlpha } from '../../vrf/protocol/alpha.ts';
import type { DrawAuthorization } from '../../vrf/protocol/authorization.ts';
import { seedCommitment } from '../../vrf/protocol/commitment.ts';
import { courtMaxPayout } from '../../vrf/protocol/court-terms.ts';
import { bytesToHex, type JsonValue } from '../../vrf/protocol/encoding.ts';
import { outcomeMappings } from '../../games/registry.ts';
import { GENESIS_HASH, recordHash, type DrawRecord, type HashedRecord, type OutcomeRecord, type ReceiptRecord, type VoidReason } from '../../vrf/protocol/records.ts';
import type { Sealable } from '../../vrf/protocol/receipt.ts';
import type { Transcript } from '../../vrf/protocol/transcript.ts';
import { transcriptHeader } from './room-journal.ts';
import { DamagedRecord } from './damaged-record.ts';
import type { RoomLog } from './room-records.ts';
import type { FairnessContext } from './context.ts';
import { keyNotInForce } from './vrf-key-in-force.ts';

/** Refusal of a reveal; the draw stays pending for that player. */
/** A draw that could pay more coins than the reveal court's bond has free: not receipted. */
export class OverCourtLimit extends Error {
  constructor(
    readonly maxPayout: number,
    readonly limit: number,
  ) {
    super(
      `this bet could pay ${maxPayout} coins, more than the ${limit} coins the reveal court's bond has free (FAIRNESS.md section 10): lower the stake or raise the chance`,
    );
  }
}

/** A draw under a VRF key the registry does not have in force now (vrf-key-in-force.ts): not receipted. */
export class KeyNotInForce extends Error {}

export class RevealError extends Error {
  constructor(
    readonly code: 'unknown-draw' | 'not-a-player' | 'already-revealed' | 'mismatch' | 'malformed',
    message: string,
  ) {
    super(message);
  }
}

/** What the player receives with an outcome: everything needed to verify it alone. */
export interface OutcomeMessage {
  readonly suite: string;
  readonly keyId: string;
  readonly alpha: string;
  readonly pi: string;
  readonly beta: string;
  /**
   * Only for a suite a contract verifies with witnesses (chain-witnesses.ts): hex of their ABI
   * encoding. Not in the record: anyone derives them from the key, pi and alpha.
   */
  readonly witnesses?: string;
  readonly record: OutcomeRecord;
  readonly recordHash: string;
}

interface PendingDraw {
  readonly receipt: ReceiptRecord;
  readonly seeds: Map<string, string>; // lowercase address -> seed
  /** Writes of this draw's reveals: the outcome is recorded only after they are durable. */
  readonly revealWrites: Promise<void>[];
  /** Moves recorded on this draw so far (games with play after the draw). */
  readonly moves: string[];
  /** The proof, once asked for: before the outcome when the game deals from beta as it is played. */
  proving?: Promise<{ alpha: Uint8Array; pi: Uint8Array; beta: Uint8Array }>;
  settling?: Promise<OutcomeMessage>;
}

/**
 * Receipts of settled draws kept for the room's effects right after settling; older ones are
 * in the database. Callers use them within the same handler, so a few dozen cover every draw settling
 * at once; 1,024 per room held about 1 KB a draw for the room's first thousand draws, which
 * across 150 rooms read as a leak in the soak run.
 */
const RECENT_RECEIPTS = 64;

export class RoomTranscript {
  // Records are in the database, not in memory: a long-lived room would otherwise grow without bound.
  // In memory: the chain's head, the count, the pending draws, and a few recent receipts.
  #count = 0;
  #head = GENESIS_HASH;
  readonly #recent = new Map<number, ReceiptRecord>(); // drawSeq -> receipt of a settled draw
  readonly #pending = new Map<number, PendingDraw>();
  #nextDraw = 0;
  #closed = false;
  #onDurable: ((record: HashedRecord) => void) | undefined;

  private constructor(
    readonly roomId: string,
    private readonly ctx: FairnessContext,
    private readonly log: RoomLog,
  ) {}

  /** A room whose records and reveals are in `log` (none for a new room), ready to go on. */
  static async open(log: RoomLog, roomId: string, ctx: FairnessContext): Promise<RoomTranscript> {
    const room = new RoomTranscript(roomId, ctx, log);
    for (const record of await log.records()) {
      try {
        room.#accept(record);
      } catch (cause) {
        // Read back whole but not a chain: what was stored is damaged (recovery sets the room aside).
        throw new DamagedRecord(roomId, record.seq, (cause as Error).message, { cause });
      }
    }
    // After every record: a reveal counts only for a draw still pending.
    for (const reveal of await log.reveals()) room.#pending.get(reveal.drawSeq)?.seeds.set(reveal.address.toLowerCase(), reveal.seed);
    return room;
  }

  /** Every record written so far, read back (durable ones only). */
  readRecords(): Promise<HashedRecord[]> {
    return this.log.records();
  }

  /** The receipt of a pending or recently settled draw (for the room's effects of its outcome). */
  receiptOf(drawSeq: number): ReceiptRecord | undefined {
    return this.#pending.get(drawSeq)?.receipt ?? this.#recent.get(drawSeq);
  }

  /** Told of each record once it is durable, in the order written (the room passes them on to players who follow it). */
  onDurable(listener: (record: HashedRecord) => void): void {
    this.#onDurable = listener;
  }

  get recordCount(): number {
    return this.#count;
  }

  get head(): string {
    return this.#head;
  }

  /** Draws with a receipt and no outcome or void yet, oldest first. */
  pendingDraws(): { receipt: ReceiptRecord; revealed: number; missing: string[] }[] {
    return [...this.#pending.values()].map((p) => ({
      receipt: p.receipt,
      revealed: p.seeds.size,
      missing: p.receipt.players.filter((a) => !p.seeds.has(a.toLowerCase())),
    }));
  }

  /** Signs and writes a receipt for a new draw; resolves once it is durable. */
  async receipt(draw: {
    game: string;
    kind: string;
    action: Record<string, JsonValue>;
    /** Each with the player's authorisation of this draw (protocol v2): the receipt carries them, in `players` order. */
    players: readonly { address: string; commitment: string; authorization: DrawAuthorization }[];
  }): Promise<ReceiptRecord & { hash: string }> {
    const { ctx } = this;
    const rules = ctx.rules[draw.game];
    if (!rules) throw new Error(`no rules document for ${draw.game}`);
    // The most the court would pay for this draw (FAIRNESS.md section 5c); worked out before the
    // commitments are claimed, so an action the mapping refuses costs the player no commitment.
    const maxPayout = courtMaxPayout(draw, rules.document.terms);
    // A receipt promises the court's payout if the house withholds the outcome: never more than the court can pay.
    if (maxPayout > ctx.courtPayoutLimit.coins) throw new OverCourtLimit(maxPayout, ctx.courtPayoutLimit.coins);
    // A receipt whose key the court would not take an answer under: its case could only be claimed.
    const keyProblem = keyNotInForce(ctx.vrfKeySchedule, ctx.keyId, ctx.now());
    if (keyProblem) throw new KeyNotInForce(keyProblem);
    // Before anything is signed: a commitment is used once under this key (throws CommitmentUsed).
    await ctx.commitments.claim(draw.players.map((p) => p.commitment));
    const issuedAt = ctx.now();
    const unsigned = {
      seq: this.#count,
      prev: this.head,
      roomId: this.roomId,
      drawSeq: this.#nextDraw,
      type: 'receipt' as const,
      game: draw.game,
      kind: draw.kind,
      action: draw.action,
      players: draw.players.map((p) => p.address),
      commitments: draw.players.map((p) => p.commitment),
      suite: ctx.suite.name,
      keyId: ctx.keyId,
      issuedAt,
      rulesHash: rules.hash,
      // Until when the player may take this receipt to the reveal court.
      revealDeadline: issuedAt + ctx.revealCourtWindowMs,
      maxPayout,
    };
    const authorizations = draw.players.map((p) => p.authorization);
    // The operator signs the receipt's terms; the authorisations are the players' own
    // signatures, covered by the record hash (FAIRNESS.md section 5a).
    const record = { ...unsigned, signature: ctx.signReceipt(unsigned), authorizations };
    return (await this.#append(record)) as ReceiptRecord & { hash: string };
  }

  /** Checks a seed against its commitment and writes it (privately); true once every player revealed. */
  async reveal(drawSeq: number, address: string, seed: string): Promise<boolean> {
    const draw = this.#pending.get(drawSeq);
    if (!draw) throw new RevealError('unknown-draw', `draw ${drawSeq} is not pending in this room`);
    const index = draw.receipt.players.findIndex((p) => p.toLowerCase() === address.toLowerCase());
    if (index < 0) throw new RevealError('not-a-player', `${address} is not a player of draw ${drawSeq}`);
    const key = address.toLowerCase();
    if (draw.seeds.has(key)) throw new RevealError('already-revealed', `seed for draw ${drawSeq} already revealed`);
    let commitment: string;
    try {
      commitment = seedCommitment(seed);
    } catch {
      throw new RevealError('malformed', 'seed must be 32 bytes of hex');
    }
    if (commitment !== draw.receipt.commitments[index])
      throw new RevealError('mismatch', `seed does not match the commitment of draw ${drawSeq}`);
    draw.seeds.set(key, seed.toLowerCase());
    // Proving may start before this write lands (settle waits for it before recording the
    // outcome), which takes one disk wait off every draw's latency.
    draw.revealWrites.push(this.log.appendReveal({ drawSeq, address, seed: seed.toLowerCase() }));
    return draw.seeds.size === draw.receipt.players.length;
  }

  /** Proves a fully revealed draw and records its outcome. Idempotent while in flight. */
  settle(drawSeq: number): Promise<OutcomeMessage> {
    const draw = this.#pending.get(drawSeq);
    if (!draw) return Promise.reject(new Error(`draw ${drawSeq} is not pending`));
    // A failed proof must not leave the draw stuck: the next attempt proves again.
    draw.settling ??= this.#settle(draw).catch((err: unknown) => {
      draw.settling = undefined;
      throw err;
    });
    return draw.settling;
  }

  /**
   * Ends a pending draw whatever its state: settled if every seed is in (its outcome is already
   * fixed), voided with `voidReason` if not. For timeouts, room closing and crash recovery.
   */
  async conclude(drawSeq: number, voidReason: VoidReason): Promise<HashedRecord> {
    const draw = this.#pending.get(drawSeq);
    if (!draw) throw new Error(`draw ${drawSeq} is not pending`);
    if (draw.seeds.size < draw.receipt.players.length) return this.void(drawSeq, voidReason);
    const outcome = await this.settle(drawSeq);
    return { ...outcome.record, hash: outcome.recordHash };
  }

  /**
   * The draw's beta, for a game that deals from it while its player moves: proven once every
   * seed is in and kept with the pending draw; the outcome record publishes it at the end. Only
   * the room sees it before then.
   */
  async beta(drawSeq: number): Promise<Uint8Array> {
    const draw = this.#pending.get(drawSeq);
    if (!draw) throw new Error(`draw ${drawSeq} is not pending`);
    return (await this.#prove(draw)).beta;
  }

  /** How many moves a pending draw has: the `moveIndex` its next move is signed with. */
  moveCount(drawSeq: number): number {
    return this.#pending.get(drawSeq)?.moves.length ?? 0;
  }

  /**
   * Records a move of the draw's player with the player's signature of it; resolves once it is
   * durable. The room checks it is legal and authorised.
   */
  async move(drawSeq: number, player: string, move: string, authorization: DrawAuthorization): Promise<HashedRecord> {
    const draw = this.#pending.get(drawSeq);
    if (!draw) throw new Error(`draw ${drawSeq} is not pending`);
    if (draw.settling) throw new Error(`draw ${drawSeq} is being settled`);
    return this.#append(this.#sealed({ seq: this.#count, prev: this.head, roomId: this.roomId, drawSeq, type: 'move', receiptSeq: draw.receipt.seq, player, move, authorization }));
  }

  #prove(draw: PendingDraw): Promise<{ alpha: Uint8Array; pi: Uint8Array; beta: Uint8Array; witnesses?: string }> {
    const { receipt, seeds, revealWrites } = draw;
    const ordered = receipt.players.map((p) => seeds.get(p.toLowerCase()));
    if (ordered.some((s) => s === undefined)) return Promise.reject(new Error(`draw ${receipt.drawSeq} is missing seeds`));
    const alpha = receiptAlpha(receipt, ordered as string[]);
    draw.proving ??= Promise.all([this.ctx.prover.prove(alpha), ...revealWrites]).then(
      ([{ pi, beta, witnesses }]) => ({ alpha, pi, beta, ...(witnesses === undefined ? {} : { witnesses }) }),
      (err: unknown) => {
        draw.proving = undefined;
        throw err;
      },
    );
    return draw.proving;
  }

  async #settle(draw: PendingDraw): Promise<OutcomeMessage> {
    const { receipt, seeds, moves } = draw;
    const ordered = receipt.players.map((p) => seeds.get(p.toLowerCase())!);
    const { alpha, pi, beta, witnesses } = await this.#prove(draw);
    const mapping = outcomeMappings[`${receipt.game}/${receipt.kind}`];
    if (!mapping) throw new Error(`no mapping for ${receipt.game}/${receipt.kind}`);
    // The receipt's own rules, even when the server serves others now (a restart with another edge settling a recovered draw).
    const terms = await receiptTerms(receipt, this.ctx.rules, this.ctx.pastRules.archive);
    if (typeof terms === 'string') throw new Error(`draw ${this.roomId}/${receipt.drawSeq} cannot be settled: ${terms}`);
    const record = (await this.#append(this.#sealed({
      seq: this.#count,
      prev: this.head,
      roomId: this.roomId,
      drawSeq: receipt.drawSeq,
      type: 'outcome',
      receiptSeq: receipt.seq,
      seeds: ordered,
      alpha: bytesToHex(alpha),
      pi: bytesToHex(pi),
      beta: bytesToHex(beta),
      result: mapping.result(beta, receipt.action, moves, terms),
    }))) as OutcomeRecord & { hash: string };
    const { hash, ...bare } = record;
    const chain = witnesses === undefined ? {} : { witnesses };
    return { suite: receipt.suite, keyId: receipt.keyId, alpha: record.alpha, pi: record.pi, beta: record.beta, ...chain, record: bare, recordHash: hash };
  }

  /** Ends a draw without an outcome, naming the players whose seeds never came (by their place in the receipt). */
  async void(drawSeq: number, reason: VoidReason): Promise<HashedRecord> {
    const draw = this.#pending.get(drawSeq);
    if (!draw) throw new Error(`draw ${drawSeq} is not pending`);
    if (draw.settling) throw new Error(`draw ${drawSeq} is being settled`);
    const missing = draw.receipt.players.flatMap((a, i) => (draw.seeds.has(a.toLowerCase()) ? [] : [i]));
    if (missing.length === 0) throw new Error(`draw ${drawSeq} has every seed: it is settled, not voided`);
    return this.#append(this.#sealed({ seq: this.#count, prev: this.head, roomId: this.roomId, drawSeq, type: 'void', receiptSeq: draw.receipt.seq, reason, missing }));
  }

  /** The record with the operator's seal (FAIRNESS.md section 5b). */
  #sealed<R extends Sealable>(record: R): R & { signature: string } {
    return { ...record, signature: this.ctx.seal(record) };
  }

  async transcript(): Promise<Transcript> {
    return { ...transcriptHeader(this.roomId, this.ctx), records: await this.readRecords() };
  }

  /**
   * Files the room as finished: appends the signed close record (unless a previous run already
   * did, before crashing). Every draw must be settled or voided first.
   */
  async finish(): Promise<void> {
    if (this.#pending.size > 0) throw new Error(`room ${this.roomId} still has pending draws`);
    if (!this.#closed) {
      const unsigned = { seq: this.#count, prev: this.head, roomId: this.roomId, drawSeq: this.#nextDraw, type: 'close' as const, closedAt: this.ctx.now() };
      await this.#append(this.#sealed(unsigned));
    }
  }

  // Sequence numbers and prev hashes are assigned and the record accepted in one synchronous
  // step, so concurrent draws interleave without gaps; the log writes in the same order.
  async #append(record: DrawRecord): Promise<HashedRecord> {
    const hashed = { ...record, hash: recordHash(record) } as HashedRecord;
    const game = record.type === 'receipt' ? record.game : record.type === 'close' ? 'none' : (this.receiptOf(record.drawSeq)?.game ?? 'unknown');
    this.#accept(hashed);
    await this.log.appendRecord(hashed);
    this.ctx.onRecord?.(hashed, game);
    this.#onDurable?.(hashed);
    return hashed;
  }

  #accept(r: HashedRecord): void {
    if (r.seq !== this.#count || r.prev !== this.head)
      throw new Error(`room ${this.roomId}: record ${r.seq} does not continue the chain`);
    if (this.#closed) throw new Error(`room ${this.roomId} is closed`);
    this.#count++;
    this.#head = r.hash;
    if (r.type === 'close') {
      this.#closed = true;
      return;
    }
    if (r.type === 'receipt') {
      this.#pending.set(r.drawSeq, { receipt: r, seeds: new Map(), revealWrites: [], moves: [] });
      this.#nextDraw = r.drawSeq + 1;
      return;
    }
    if (r.type === 'move') {
      this.#pending.get(r.drawSeq)?.moves.push(r.move);
      return;
    }
    const settled = this.#pending.get(r.drawSeq)?.receipt;
    this.#pending.delete(r.drawSeq);
    if (settled) {
      this.#recent.set(r.drawSeq, settled);
      if (this.#recent.size > RECENT_RECEIPTS) this.#recent.delete(this.#recent.keys().next().value!);
    }
  }
}
