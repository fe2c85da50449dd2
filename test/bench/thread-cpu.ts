/**
 * CPU time of a server process by thread, read from /proc (Linux only), for the bench's and the
 * load tool's "CPU per draw" tables. Every thread of a Node 20 process is called `node` in
 * `/proc/PID/task/TID/comm` (checked on the machine this was written on), so threads are told
 * apart by other means:
 *   - main: the thread whose id is the process id (the event loop);
 *   - provers: comm `fp-prover` (the prover names its thread), or, for the earlier code that did
 *     not, a thread other than main running at nice 10 (the prover lowered its own priority);
 *   - other threads: everything else in the process (libuv's pool, V8's compiler and GC helpers);
 *   - chain node: the descendant processes (the embedded chain node, anvil, and its guard).
 * Take a {@link cpuSnapshot} before and after a window; {@link cpuDelta} gives milliseconds by class.
 * @module
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of utime and stime in /proc (USER_HZ: 100 on every Linux build Node supports). */
export const USER_HZ = 100;
/** The nice value the earlier prover worker set on its own thread. */
export const EARLIER_PROVER_NICE = 10;
export const PROVER_THREAD_NAME = 'fp-prover';

export type CpuClass = 'main' | 'provers' | 'other' | 'chain';
export const CPU_CLASSES: readonly CpuClass[] = ['main', 'provers', 'other', 'chain'];

/** The fields this module uses from one line of /proc/.../stat. */
export interface StatFields {
  /** utime + stime, in clock ticks. */
  readonly ticks: number;
  /** Field 19. */
  readonly nice: number;
}

/**
 * Parses /proc/PID/stat or /proc/PID/task/TID/stat. The command name (field 2) is in parentheses
 * and may itself hold spaces or parentheses, so fields are counted from the last ')'.
 */
export function parseStat(text: string): StatFields {
  const close = text.lastIndexOf(')');
  if (close < 0) throw new Error(`not a /proc stat line: ${text.slice(0, 60)}`);
  // After ") " comes field 3 (state): field n is at index n - 3.
  const fields = text.slice(close + 2).trim().split(' ');
  const utime = Number(fields[14 - 3]);
  const stime = Number(fields[15 - 3]);
  const nice = Number(fields[19 - 3]);
  if (![utime, stime, nice].every(Number.isFinite)) throw new Error(`a /proc stat line without utime, stime and nice: ${text.slice(0, 60)}`);
  return { ticks: utime + stime, nice };
}

/** Which class a thread of the server process is in (see the module comment). */
export function classifyThread(pid: number, tid: number, comm: string, nice: number): Exclude<CpuClass, 'chain'> {
  if (tid === pid) return 'main';
  if (comm === PROVER_THREAD_NAME || nice === EARLIER_PROVER_NICE) return 'provers';
  return 'other';
}

/** Ticks used so far, by thread (`t<tid>`, with its class) and by descendant process (`p<pid>`, class chain). */
export type CpuSnapshot = ReadonlyMap<string, { readonly cls: CpuClass; readonly ticks: number }>;

/** Reads a file of /proc, or undefined when the thread or process has gone meanwhile. */
function readOrGone(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Every descendant process of `pid` (children of any of its threads, recursively). */
export function descendantPids(pid: number): number[] {
  const found: number[] = [];
  const visit = (p: number) => {
    let tids: string[];
    try {
      tids = readdirSync(`/proc/${p}/task`);
    } catch {
      return; // gone
    }
    for (const tid of tids) {
      for (const child of (readOrGone(`/proc/${p}/task/${tid}/children`) ?? '').split(' ').filter(Boolean).map(Number)) {
        found.push(child);
        visit(child);
      }
    }
  };
  visit(pid);
  return found;
}

/** Reads the ticks of every thread of `pid` and of every descendant process. Throws when `pid` is not running. */
export function cpuSnapshot(pid: number): CpuSnapshot {
  const snapshot = new Map<string, { cls: CpuClass; ticks: number }>();
  for (const tid of readdirSync(`/proc/${pid}/task`).map(Number)) {
    const stat = readOrGone(`/proc/${pid}/task/${tid}/stat`);
    const comm = readOrGone(`/proc/${pid}/task/${tid}/comm`);
    if (stat === undefined || comm === undefined) continue;
    const { ticks, nice } = parseStat(stat);
    snapshot.set(`t${tid}`, { cls: classifyThread(pid, tid, comm.trim(), nice), ticks });
  }
  // A process's own stat counts all its threads, and the children it has waited for.
  for (const child of descendantPids(pid)) {
    const stat = readOrGone(`/proc/${child}/stat`);
    if (stat !== undefined) snapshot.set(`p${child}`, { cls: 'chain', ticks: parseStat(stat).ticks });
  }
  return snapshot;
}

export type CpuByClass = Record<CpuClass, number>;

/**
 * Milliseconds of CPU by class between two snapshots. A thread or process that started in the
 * window counts from zero; one that ended in it is missed (its last ticks are not readable).
 */
export function cpuDelta(before: CpuSnapshot, after: CpuSnapshot): CpuByClass {
  const ms: CpuByClass = { main: 0, provers: 0, other: 0, chain: 0 };
  for (const [key, { cls, ticks }] of after) ms[cls] += ((ticks - (before.get(key)?.ticks ?? 0)) * 1000) / USER_HZ;
  return ms;
}

export const totalMs = (ms: CpuByClass): number => CPU_CLASSES.reduce((sum, c) => sum + ms[c], 0);
