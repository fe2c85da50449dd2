/**
 * What a test or bench reads of a running server process from outside: its longest event-loop
 * delay (from /metrics) and its resident memory (from /proc).
 */
import { readFileSync } from 'node:fs';

/** The server's longest event-loop delay since the last read of /metrics, in seconds (prom-client resets it on each read). */
export async function eventLoopLagMax(url: string): Promise<number> {
  // Tried twice: a pooled connection the server closed while this process was busy (verifying a
  // big transcript, say) fails the first write with EPIPE, and the second goes on a new one.
  const res = await fetch(`${url}/metrics`).catch(() => fetch(`${url}/metrics`));
  const text = await res.text();
  return Number(/^nodejs_eventloop_lag_max_seconds (\S+)$/m.exec(text)?.[1] ?? Number.NaN);
}

/** The process's resident memory in bytes (VmRSS). */
export const residentBytes = (pid: number): number => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;
