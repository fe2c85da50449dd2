/**
 * The one transcript verifier (FAIRNESS.md section 7), fed one record at a time. Everything
 * that checks a room's records goes through it: `verifyTranscript` (a loop over it), the CLI,
 * /verify, and the game page's worker, which keeps one per room and feeds it each record as it
 * arrives. One code path means a check added here is made everywhere.
 *
 * For every record it checks the chain link (seq, prev, hash), and by type: a receipt's signer,
 * key id, draw number, rules (v2: the hash of the pinned rules document of its game), court terms
 * when it carries them (v2: maxPayout by its mapping, a deadline after its issue), players'
 * authorisations (v2: no draw no player asked for) and commitments (never one used before, in
 * this room or any other transcript checked with the same log: a revealed seed drawn on again
 * would let the server pick among re-rolls); a move's draw, player and (v2) the player's
 * signature of it; an outcome's seeds against the commitments, alpha rebuilt, the proof under
 * the pinned key and the result recomputed by the published mapping with the draw's moves and
 * the pinned rules' terms; a void's receipt and (v2) its reason and missing players; a close's
 * signature and that no draw is left open. Given the fairness registry's entries (read from the
 * chain), every receipt's signer, key id and rules hash must also be the ones in force on chain at
 * its issue (`registry-check.ts`). In v2 every record but a receipt must carry the
 * operator's seal. The checks of one record are in `record-checks.ts`; this keeps the chain and
 * the open draws. Input is untrusted: problems are reported, nothing throws.
 * @module
 */
import { vrfKeyId } from './commitment.ts';
import { hexToBytes } from './encoding.ts';
import type { RoomRules } from '../../games/game-rules.ts';
import { gameRules, outcomeMappings } from '../../games/registry.ts';
import { courtTermsProblems } from './court-terms.ts';
import { registryProblems, vrfPublicKeyProblem, type RegistryEntries } from './registry-check.ts';
import { closeSignerV1, receiptSigner } from './receipt.ts';
import { DrawRecordSchema, GENESIS_HASH, recordHash, type DrawRecord, type ReceiptRecord } from './records.ts';
import {
  moveAuthorizationProblem,
  outcomeProblems,
  receiptAuthorizationProblems,
  receiptTerms,
  sealProblem,
  voidProblems,
  type CommitmentLog,
  type TrustedKeys,
} from './record-checks.ts';

export { outcomeProblems, receiptAuthorizationProblems, receiptTerms, type CommitmentLog, type TrustedKeys } from './record-checks.ts';

export interface RecordReport {
  readonly seq: number;
  /** The record's type, or `malformed` when it does not parse as a record. */
  readonly type: string;
  readonly drawSeq?: number;
  readonly problems: string[];
}

/** What `accept` says of a record: its report, and the receipt of its draw (for outcomes, moves, voids). */
export interface Accepted extends RecordReport {
  readonly receipt?: ReceiptRecord;
}

/** A draw with a receipt and neither outcome nor void yet, with the moves recorded on it. */
interface OpenDraw {
  readonly receipt: ReceiptRecord;
  readonly moves: string[];
}

/**
 * A room's records, checked in order from its first. Keeps only what later records are checked
 * against: the chain head, the open draws (receipt and moves), every commitment seen and whether
 * the room closed; a settled draw's receipt is let go, so a long room costs little memory.
 */
export class TranscriptVerifier {
  #next = 0;
  #head = GENESIS_HASH;
  #nextDraw = 0;
  #closedAt: number | undefined;
  readonly #open = new Map<number, OpenDraw>(); // by drawSeq
  readonly #pinnedKeyId: string | undefined;
  /** Each game's rules across the room's draws, by game id. */
  readonly #rooms = new Map<string, RoomRules | undefined>();

  constructor(
    /** The room whose records these must be. */
    readonly roomId: string,
    private readonly keys: TrustedKeys,
    /** The transcript's protocol version: 2 requires authorised receipts and moves, pinned rules and sealed records. */
    readonly version: 1 | 2 = 2,
    /** Shared by the verifiers of several transcripts of one key, a commitment reused across rooms is flagged too. */
    private readonly commitments: CommitmentLog = new Map(),
    /** The fairness registry's entries, read from the chain: when given, every receipt's signer, key and rules must be the ones in force at its issue. */
    private readonly registry?: RegistryEntries,
  ) {
    try {
      this.#pinnedKeyId = vrfKeyId(keys.suite, hexToBytes(keys.publicKey));
    } catch {
      this.#pinnedKeyId = undefined; // every receipt then fails the key check
    }
  }

  /** The seq the next record must have: how many records were accepted. */
  get next(): number {
    return this.#next;
  }

  /** Hash of the last record accepted, as it claims (the genesis hash at first, '' after a malformed one). */
  get head(): string {
    return this.#head;
  }

  /** A close record was accepted: nothing may follow. */
  get closed(): boolean {
    return this.#closedAt !== undefined;
  }

  /** Draws receipted with neither outcome nor void yet: fine in a live room, misconduct in a closed one. */
  pendingDraws(): number[] {
    return [...this.#open.keys()];
  }

  /** Checks `raw` as the room's next record and takes it in. Never throws. */
  accept(raw: unknown): Accepted {
    const seq = this.#next++;
    const { hash: claimed, ...bare } = (typeof raw === 'object' && raw !== null ? raw : { raw }) as { hash?: unknown };
    const parsed = DrawRecordSchema.safeParse(bare);
    if (!parsed.success) {
      this.#head = ''; // what follows cannot chain onto a record that is not one
      return { seq, type: 'malformed', problems: [parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')] };
    }
    const rec = parsed.data;
    const problems: string[] = [];
    let receipt: ReceiptRecord | undefined;
    try {
      this.#link(rec, seq, claimed, problems);
      receipt = this.#check(rec, problems);
    } catch (e) {
      problems.push(`cannot be checked: ${(e as Error).message}`);
    }
    return { seq: rec.seq, type: rec.type, drawSeq: rec.drawSeq, problems, ...(receipt && rec.type !== 'receipt' ? { receipt } : {}) };
  }

  /** The chain link: seq, prev, hash, room; the head moves on to this record whatever its faults. */
  #link(rec: DrawRecord, seq: number, claimed: unknown, p: string[]): void {
    if (this.#closedAt !== undefined) p.push(`record after the room's close record ${this.#closedAt}`);
    if (rec.seq !== seq) p.push(`seq ${rec.seq} where ${seq} was expected`);
    if (rec.roomId !== this.roomId) p.push('record belongs to another room');
    if (rec.prev !== this.#head) p.push('prev is not the hash of the previous record');
    const hash = recordHash(rec);
    if (claimed !== hash) p.push(claimed === undefined ? 'record has no hash field' : 'hash field differs from the record hash');
    // The next record links to the hash this one claims: a record altered after it was hashed
    // fails alone, instead of taking the honest record after it down too.
    this.#head = typeof claimed === 'string' && /^[0-9a-f]{64}$/.test(claimed) ? claimed : hash;
  }

  /** The checks of the record's type; returns the receipt of its draw when there is one. */
  #check(rec: DrawRecord, p: string[]): ReceiptRecord | undefined {
    if (rec.type === 'receipt') {
      this.#receipt(rec, p);
      return rec;
    }
    if (rec.type === 'close') return void this.#close(rec, p);
    if (this.version === 2) {
      const unsealed = rec.type === 'outcome' ? undefined : sealProblem(rec, this.keys); // an outcome's is checked with it
      if (unsealed) p.push(unsealed);
    } else if (rec.type !== 'outcome' && rec.signature !== undefined) p.push(`a v1 ${rec.type} carries a seal`);
    const open = this.#open.get(rec.drawSeq);
    const settled = !open && rec.drawSeq < this.#nextDraw;
    if (rec.type === 'move') {
      if (!open) return void p.push(settled ? 'move on a draw already settled or voided' : 'move on a draw with no earlier receipt');
      const { receipt } = open;
      if (rec.receiptSeq !== receipt.seq) p.push('move does not name its receipt');
      if (!receipt.players.some((a) => a.toLowerCase() === rec.player.toLowerCase())) p.push('move by someone who is not a player of the draw');
      if (!outcomeMappings[`${receipt.game}/${receipt.kind}`]?.takesMoves) p.push(`${receipt.game}/${receipt.kind} draws take no moves`);
      if (this.version === 2) {
        const unauthorised = moveAuthorizationProblem(rec, receipt, open.moves.length);
        if (unauthorised) p.push(unauthorised);
      } else if (rec.authorization) p.push('a v1 move carries an authorization');
      open.moves.push(rec.move);
      return receipt;
    }
    if (!open) return void p.push(settled ? 'second outcome or void for one draw' : 'no earlier receipt for this draw');
    if (rec.type === 'outcome') p.push(...outcomeProblems(open.receipt, rec, this.keys, open.moves));
    else {
      if (rec.receiptSeq !== open.receipt.seq) p.push('void does not name its receipt');
      if (this.version === 2) p.push(...voidProblems(rec, open.receipt));
      else if (rec.missing) p.push('a v1 void carries a missing list');
    }
    this.#roomRules(open.receipt.game)?.ended(open.receipt, rec.type === 'outcome' ? rec.result : undefined);
    this.#open.delete(rec.drawSeq);
    return open.receipt;
  }

  /** The room's rules across draws of `game` (the raid's chests), made on first use. */
  #roomRules(game: string): RoomRules | undefined {
    if (!this.#rooms.has(game)) this.#rooms.set(game, gameRules(game)?.roomRules?.());
    return this.#rooms.get(game);
  }

  #receipt(rec: ReceiptRecord, p: string[]): void {
    if (rec.drawSeq !== this.#nextDraw) p.push(`drawSeq ${rec.drawSeq} where ${this.#nextDraw} was expected`);
    p.push(...(this.#roomRules(rec.game)?.receipt(rec) ?? []));
    this.#nextDraw = rec.drawSeq + 1;
    if (rec.suite !== this.keys.suite) p.push(`receipt names suite ${rec.suite}, pinned ${this.keys.suite}`);
    if (rec.keyId !== this.#pinnedKeyId) p.push('receipt keyId is not the pinned key');
    let signer: string | undefined;
    try {
      signer = receiptSigner(rec);
      if (signer.toLowerCase() !== this.keys.receiptSigner.toLowerCase()) p.push('receipt not signed by the pinned signer');
    } catch (e) {
      p.push(`receipt signature: ${(e as Error).message}`);
    }
    // Against the chain: a malformed signature is reported once, above.
    if (this.registry && signer !== undefined) p.push(...registryProblems(rec, this.registry, signer));
    if (this.registry && rec.keyId === this.#pinnedKeyId) {
      const keyProblem = vrfPublicKeyProblem(rec.keyId, this.keys, this.registry);
      if (keyProblem) p.push(keyProblem);
    }
    if (this.version === 2) {
      p.push(...receiptAuthorizationProblems(rec));
      const { terms, problem } = receiptTerms(rec, this.keys);
      if (problem) p.push(problem);
      else p.push(...courtTermsProblems(rec, terms));
    } else if (rec.authorizations || rec.rulesHash !== undefined || rec.revealDeadline !== undefined)
      p.push('a v1 receipt carries v2 fields (authorizations, rulesHash, court terms)');
    // A seed is revealed once: a second draw on the same commitment would let the server, who
    // knows the seed by then, pick among re-rolls (after voiding the first draw, say).
    for (const c of rec.commitments) {
      const first = this.commitments.get(c);
      if (first !== undefined) p.push(`commitment ${c.slice(0, 16)}… was already used (${first}): a revealed seed reused`);
      else this.commitments.set(c, `room ${rec.roomId} receipt ${rec.seq}`);
    }
    this.#open.set(rec.drawSeq, { receipt: rec, moves: [] });
  }

  #close(rec: Extract<DrawRecord, { type: 'close' }>, p: string[]): void {
    this.#closedAt = rec.seq;
    if (rec.drawSeq !== this.#nextDraw) p.push(`close counts ${rec.drawSeq} draws where there were ${this.#nextDraw}`);
    if (this.#open.size) p.push(`room closed with draws ${[...this.#open.keys()].join(', ')} neither settled nor voided`);
    if (this.version === 2) {
      const unsealed = sealProblem(rec, this.keys);
      if (unsealed) p.push(unsealed);
      return;
    }
    try {
      if (closeSignerV1(rec).toLowerCase() !== this.keys.receiptSigner.toLowerCase()) p.push('close not signed by the pinned signer');
    } catch (e) {
      p.push(`close signature: ${(e as Error).message}`);
    }
  }
}
