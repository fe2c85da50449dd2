/**
 * The newest block the embedded chain node has written to its state file: the blocks it keeps
 * when it is killed and started again. Anvil writes its whole state (`--state`, every second)
 * and, started again, resumes from that file: blocks mined after the last complete write are lost
 * (with their transactions). A deposit credited from such a block would be a double spend: the
 * chips stay credited and the burn is gone, so the player holds the coins again. The deposit
 * watcher therefore credits the embedded chain's deposits only up to this block.
 *
 * Anvil rewrites the file in place: a read racing a write sees a prefix of it, which does not
 * parse, and counts as "not known yet" (the watcher waits and asks again). A read that parses is
 * one complete write. The file grows with the chain, so it is read only when a deposit waits
 * above the newest block known to be written, and not again while the file is unchanged.
 * @module
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** The embedded node's state file in a data directory (as server/chain/chain.ts starts it). */
export function embeddedStateFile(dataDir: string): string {
  return join(dataDir, 'chain', 'anvil-state.json');
}

/** Returns the newest block in `stateFile`'s last complete write, or -1 while none is known. */
export function persistedHeadReader(stateFile: string): () => Promise<number> {
  let known = -1;
  let seen = '';
  return async () => {
    const info = await stat(stateFile).catch(() => undefined);
    if (!info) return known;
    const version = `${info.mtimeMs}:${info.size}`;
    if (version === seen) return known;
    try {
      const state = JSON.parse(await readFile(stateFile, 'utf8')) as { best_block_number?: unknown };
      if (typeof state.best_block_number === 'number' && Number.isSafeInteger(state.best_block_number)) {
        // A node started again from an older file has a lower head: never more than the file says.
        known = state.best_block_number;
        seen = version;
      }
    } catch {
      // A write under way (a prefix of the file): asked again at the next poll.
    }
    return known;
  };
}
