// Names the calling thread in /proc (its `comm`, at most 15 bytes), so that a profile or the bench
// can tell the server's threads apart by name (`top -H`, /proc/<pid>/task/*/comm). Plain
// JavaScript, like the worker entries that call it before loading their TypeScript. Linux only,
// best effort: elsewhere, or if not permitted, the thread keeps the name it has.
import { writeFileSync } from 'node:fs';

/** @param {string} name */
export function nameThisThread(name) {
  try {
    writeFileSync('/proc/thread-self/comm', name.slice(0, 15));
  } catch {
    // Not Linux, or /proc not writable: nothing depends on the name.
  }
}
