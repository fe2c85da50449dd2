/**
 * What the load tool plays against: servers it starts (with the easier bonus terms, so bots can
 * cash out), or one already running at `--url` (nothing started; its process found by `--pid` or
 * by the port it listens on, when its host is this machine). Also reads the processes' CPU, memory and open files from /proc.
 * @module
 */
import { readdirSync, readFileSync } from 'node:fs';
import { cpuDelta, cpuSnapshot, type CpuByClass, type CpuSnapshot } from '../bench/thread-cpu.ts';
import { economyServerEnv } from './economy-bots.ts';
import { isLoopbackHost, pidListeningOn } from './find-pid.ts';
import { startServers } from './servers.ts';

export interface LoadTarget {
  readonly urls: readonly string[];
  /** Server processes whose CPU is read; empty when a --url server's process was not found. */
  readonly pids: readonly number[];
  /** Said once at the start: what runs where. */
  readonly description: string;
  stop(): Promise<void>;
}

export interface TargetOptions {
  readonly url?: string;
  readonly pid?: number;
  readonly processes: number;
  readonly database: 'sqlite' | 'postgres';
  readonly prefillRecords: number;
  readonly seconds: number;
}

export async function loadTarget(o: TargetOptions): Promise<LoadTarget> {
  if (o.url) {
    const { hostname, port: urlPort } = new URL(o.url);
    const port = Number(urlPort || (o.url.startsWith('https') ? 443 : 80));
    // A port of another host says nothing of this machine's processes: looked up only on loopback.
    const local = isLoopbackHost(hostname);
    const pid = o.pid ?? (local ? pidListeningOn(port) : undefined);
    const found = o.pid
      ? `pid ${o.pid}, as given`
      : pid
        ? `pid ${pid}, the process listening on port ${port}`
        : local
          ? `no process of this user listens on port ${port}: no CPU figures (give --pid)`
          : `${hostname} is not this machine: no CPU figures (CPU by thread needs --pid, of a server on this machine)`;
    return { urls: [o.url], pids: pid ? [pid] : [], description: `${o.url}, a running server (${found})`, stop: async () => undefined };
  }
  const cluster = await startServers(o.processes, o.database, o.prefillRecords, economyServerEnv(o.seconds));
  const pids = cluster.servers.map((s) => s.pid);
  return { urls: cluster.servers.map((s) => s.url), pids, description: `${cluster.servers.map((s) => s.url).join(' and ')} (pid ${pids.join(', ')}), started by this tool`, stop: () => cluster.stop() };
}

/** Reads of the target's processes; each is 0 (or empty) when no process is known. */
export class ProcessProbe {
  constructor(private readonly pids: readonly number[]) {}

  /** CPU seconds, all threads and waited-for children, as /proc/PID/stat counts them. */
  cpuSeconds(): number {
    return this.#sum((pid) => {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks of 1/100 s
    });
  }

  rssMb(): number {
    return this.#sum((pid) => Number(readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'))!.split(/\s+/)[1]) / 1024);
  }

  openFds(): number {
    return this.#sum((pid) => readdirSync(`/proc/${pid}/fd`).length);
  }

  /** By thread, for {@link cpuByThreadSince}. */
  threads(): CpuSnapshot[] {
    return this.pids.map(cpuSnapshot);
  }

  cpuByThreadSince(before: readonly CpuSnapshot[]): CpuByClass {
    const total: CpuByClass = { main: 0, provers: 0, other: 0, chain: 0 };
    this.pids.forEach((pid, k) => {
      const ms = cpuDelta(before[k]!, cpuSnapshot(pid));
      for (const c of Object.keys(total) as (keyof CpuByClass)[]) total[c] += ms[c];
    });
    return total;
  }

  get known(): boolean {
    return this.pids.length > 0;
  }

  #sum(measure: (pid: number) => number): number {
    return this.pids.reduce((total, pid) => total + measure(pid), 0);
  }
}
