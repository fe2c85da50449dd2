/**
 * The draws this tab revealed a seed for and has not yet seen settled: the evidence a player
 * takes to the reveal court (FAIRNESS.md, the reveal court). A view tells it before it sends a
 * seed (`revealing`), and when the draw settles (`settled`: nothing to take anywhere) or is voided
 * (`voided`: the server knows the seed and gave no outcome). The receipt and seed are kept in the
 * tab's storage, written before the seed leaves the page, so a reload loses neither; a draw
 * that neither settles nor is voided within the reveal timeout is shown as unsettled.
 *
 * Pure bookkeeping over sessionStorage; court-panel.ts shows it and court-actions.ts acts on it.
 * @module
 */
import type { ReceiptRecord } from '../../vrf/protocol/records.ts';
import { readTabJson } from './tab-storage.ts';

const STORED = 'fairplay.court';

/** What became of a case taken to the court, as this tab last saw it on chain. */
export interface CourtCase {
  /** The receipt's EIP-712 digest, 0x and 64 hex: the court's case id. */
  readonly caseId: string;
  readonly revealTx: string;
  readonly revealBlock: number;
  /** Seconds since 1970: after it, an unanswered case may be claimed. */
  readonly answerBy: number;
  readonly claimTx?: string;
}

export interface WitnessedDraw {
  readonly roomId: string;
  readonly drawSeq: number;
  /** The receipt as the room sent it (the operator's signature included). */
  readonly receipt: ReceiptRecord;
  /** 64 hex: the seed this page revealed. */
  readonly seed: string;
  /** When the seed was sent, ms since 1970. */
  readonly revealedAt: number;
  /** Set when the room voided the draw after the reveal. */
  readonly voided?: string;
  readonly court?: CourtCase;
  /** Set while the court refuses the reveal for want of bond: the page tries again (after a reload too) until the reveal deadline. */
  readonly waitingForBond?: boolean;
}

const key = (d: { roomId: string; drawSeq: number }) => `${d.roomId}/${d.drawSeq}`;

/** Every witnessed draw of this tab, oldest first. */
export function witnessedDraws(): WitnessedDraw[] {
  const stored = readTabJson<WitnessedDraw[]>(STORED);
  return Array.isArray(stored) ? stored : [];
}

function write(draws: readonly WitnessedDraw[]): void {
  sessionStorage.setItem(STORED, JSON.stringify(draws));
  for (const listener of listeners) listener();
}

/** Replaces the stored draw of the same room and draw number with `next` (or adds it). */
export function saveWitnessed(next: WitnessedDraw): void {
  const draws = witnessedDraws().filter((d) => key(d) !== key(next));
  write([...draws, next]);
}

const listeners = new Set<() => void>();
/** Called after every change (the court panel redraws). */
export function onWitnessedChange(listener: () => void): void {
  listeners.add(listener);
}

/** A room's side of the store, handed to its game view. */
export interface DrawWitness {
  /** Before the seed is sent: the receipt and the seed, kept in the tab. */
  revealing(receipt: ReceiptRecord, seed: string): void;
  /** The draw settled with an outcome: nothing for the court (unless it was taken there already). */
  settled(drawSeq: number): void;
  /** The room voided the draw: if this page revealed its seed, a case for the court. */
  voided(drawSeq: number, reason: string): void;
}

export function drawWitness(roomId: string): DrawWitness {
  const find = (drawSeq: number) => witnessedDraws().find((d) => d.roomId === roomId && d.drawSeq === drawSeq);
  return {
    revealing(receipt, seed) {
      // Only a one-player draw can go to the court (its players sign for themselves alone).
      if (receipt.players.length !== 1) return;
      saveWitnessed({ roomId, drawSeq: receipt.drawSeq, receipt, seed, revealedAt: Date.now() });
    },
    settled(drawSeq) {
      const d = find(drawSeq);
      if (d && !d.court) write(witnessedDraws().filter((w) => key(w) !== key(d)));
    },
    voided(drawSeq, reason) {
      const d = find(drawSeq);
      if (d) saveWitnessed({ ...d, voided: reason });
    },
  };
}

/** How long after the reveal a draw counts as never settled: the rooms' reveal clock (60 s), with room for a slow proof. */
export const UNSETTLED_AFTER_MS = 90_000;

/** Whether the draw is one to take to the court: voided, or unsettled past the reveal clock. */
export function isCourtCase(d: WitnessedDraw, now = Date.now()): boolean {
  return d.court !== undefined || d.voided !== undefined || now - d.revealedAt > UNSETTLED_AFTER_MS;
}

/** A receipt carrying the court terms (protocol v2 with revealDeadline and maxPayout). */
export type CourtReceipt = ReceiptRecord & { rulesHash: string; revealDeadline: number; maxPayout: number };

/** Why this receipt cannot go to the court, or undefined when it can. */
export function notForCourt(r: ReceiptRecord, now = Date.now()): string | undefined {
  const terms = r as Partial<CourtReceipt>;
  if (r.players.length !== 1) return 'only a one-player draw can go to the court';
  if (terms.rulesHash === undefined || terms.revealDeadline === undefined || terms.maxPayout === undefined) return 'the receipt carries no court terms (revealDeadline, maxPayout)';
  if (now > terms.revealDeadline) return `the receipt's reveal deadline passed at ${new Date(terms.revealDeadline).toISOString()}`;
  return undefined;
}
