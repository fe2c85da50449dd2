// Worker entry in plain JavaScript: worker threads do not inherit tsx's hooks on Node 20, so the
// TypeScript module is loaded through tsx's API from here (as the prover's entry does).
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { tsImport } from 'tsx/esm/api';

// Trees yield the CPU to the rooms' event loop: on Linux nice is per thread (/proc/thread-self).
try {
  const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
  if (Number.isInteger(tid) && tid > 0) setPriority(tid, 10);
} catch {
  // Not Linux, or not permitted: the tree then competes with the event loop on equal terms.
}

const { buildAnchor } = await tsImport('./anchor-tree.ts', import.meta.url);
export default buildAnchor;
