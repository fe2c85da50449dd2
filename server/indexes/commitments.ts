/**
 * Seed commitments are used once per VRF key: a commitment that appeared in any receipt, of any
 * room, on any process, before or after a restart, is refused for a new draw. A draw on a
 * commitment whose seed was revealed before would let the server, which saw that seed, choose
 * the other inputs of alpha knowing the player's (FAIRNESS.md); the verifier flags a reuse inside
 * one transcript, and this registry keeps the server from ever writing one, across transcripts.
 *
 * `claim` is the first step of a receipt (`RoomTranscript.receipt`), before anything is signed:
 * all of a draw's commitments or none. This module holds the interface and a registry in memory
 * (for tests and tools); the server's is the database's (`sql-commitments.ts`), shared by every
 * process that uses the same database.
 * @module
 */

/** A draw refused because one of its seed commitments was used before (or twice in the draw). */
export class CommitmentUsed extends Error {
  constructor(readonly commitment: string) {
    super(`seed commitment ${commitment} was used before: commit to a fresh seed`);
  }
}

export interface CommitmentRegistry {
  /**
   * Marks a new draw's commitments (lowercase hex) used, all or none. Throws CommitmentUsed,
   * naming a commitment, if any was used before or appears twice.
   */
  claim(commitments: readonly string[]): Promise<void>;
}

/**
 * A registry in memory only, for tests and tools that run rooms without a server: the same
 * rules as the database's (`SqlCommitmentRegistry`), forgotten when the process ends.
 */
export class MemoryCommitmentRegistry implements CommitmentRegistry {
  readonly #used = new Set<string>();

  async claim(commitments: readonly string[]): Promise<void> {
    const fresh = distinct(commitments);
    for (const c of fresh) if (this.#used.has(c)) throw new CommitmentUsed(c);
    for (const c of fresh) this.#used.add(c);
  }
}

/** The commitments, lowercase; throws CommitmentUsed naming one given twice. */
export function distinct(commitments: readonly string[]): string[] {
  const fresh = new Set<string>();
  for (const raw of commitments) {
    const c = raw.toLowerCase();
    if (fresh.has(c)) throw new CommitmentUsed(c);
    fresh.add(c);
  }
  return [...fresh];
}
