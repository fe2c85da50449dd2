/**
 * Where the main thread's time goes, from a V8 CPU profile (`node --cpu-prof`, the main thread's
 * `.cpuprofile`): self time summed by category, by the script each sampled function comes from.
 * Self time only: a function's callees count in their own category (ethers' signing calls
 * @noble/curves, which is signing too; a room's handler calls the journal, which is journaling).
 * @module
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const PROFILE_CATEGORIES = ['receipt signing (secp256k1)', 'Colyseus patches and messages', 'journaling', 'hashing and canonical JSON', 'GC', 'other'] as const;
export type ProfileCategory = (typeof PROFILE_CATEGORIES)[number];

/** The fields of a .cpuprofile this module reads. */
export interface CpuProfile {
  readonly nodes: readonly { readonly id: number; readonly callFrame: { readonly functionName: string; readonly url: string } }[];
  readonly samples: readonly number[];
  /** Microseconds since the previous sample, one per sample. */
  readonly timeDeltas: readonly number[];
}

/** The category of a sampled function, by its script's URL (or V8's pseudo-function name); undefined for idle time. */
export function categoryOf(functionName: string, url: string): ProfileCategory | undefined {
  if (functionName === '(idle)') return undefined;
  if (functionName === '(garbage collector)') return 'GC';
  if (/secp256k1|signing-key|\/@noble\/curves\/|tiny-secp256k1/.test(url)) return 'receipt signing (secp256k1)';
  // WASM frames are named `wasm-function[N]` with a url of `wasm://wasm/<hash>`, so their module
  // cannot be told from the frame. On the main thread the only WebAssembly is tiny-secp256k1
  // (server/fairness/secp256k1-wasm.ts): libsodium is loaded only by the prover workers
  // (vrfReady() in prover-worker.ts) and the browser, whose profiles this does not read.
  if (/^wasm:\/\//.test(url)) return 'receipt signing (secp256k1)';
  if (/\/@colyseus\/(schema|core|ws-transport)\/|\/node_modules\/ws\//.test(url)) return 'Colyseus patches and messages';
  if (/\/server\/fairness\/(room-journal|stream-writer)|\/server\/db\/|\/better-sqlite3\/|\/kysely\//.test(url)) return 'journaling';
  if (/\/@noble\/hashes\/|canonical/.test(url)) return 'hashing and canonical JSON';
  return 'other';
}

/** Self time by category as shares of the profile's busy (non-idle) time, which sum to 1. */
export function profileShares(profile: CpuProfile): Record<ProfileCategory, number> {
  const byNode = new Map(profile.nodes.map((n) => [n.id, categoryOf(n.callFrame.functionName, n.callFrame.url)]));
  const us = Object.fromEntries(PROFILE_CATEGORIES.map((c) => [c, 0])) as Record<ProfileCategory, number>;
  let busy = 0;
  // timeDeltas[i] is the time before sample i: the time sample i-1's function was running.
  for (let i = 1; i < profile.samples.length; i++) {
    const category = byNode.get(profile.samples[i - 1]!);
    const delta = Math.max(0, profile.timeDeltas[i] ?? 0);
    if (category === undefined) continue;
    us[category] += delta;
    busy += delta;
  }
  if (busy === 0) throw new Error('the CPU profile has no busy samples');
  for (const c of PROFILE_CATEGORIES) us[c] /= busy;
  return us;
}

/**
 * The main thread's profile that `node --cpu-prof --cpu-prof-dir DIR` wrote for process `pid`:
 * Node names it CPU.<date>.<time>.<pid>.<thread id>.<seq>.cpuprofile, thread id 0 for main.
 */
export function mainThreadProfile(dir: string, pid: number): CpuProfile {
  const name = readdirSync(dir).find((f) => f.endsWith('.cpuprofile') && f.split('.')[3] === String(pid) && f.split('.')[4] === '0');
  if (!name) throw new Error(`no main-thread CPU profile of pid ${pid} in ${dir} (found: ${readdirSync(dir).join(', ') || 'nothing'})`);
  return JSON.parse(readFileSync(join(dir, name), 'utf8')) as CpuProfile;
}
