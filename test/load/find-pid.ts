/**
 * The process listening on a TCP port of this machine, for CPU figures of a server the load tool
 * did not start (`--url` without `--pid`): the socket's inode from /proc/net/tcp and tcp6, then
 * the process holding a file descriptor on `socket:[inode]`. Needs the right to read that
 * process's /proc/PID/fd (the same user, or root); undefined when not found.
 * @module
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** TCP state 0A is LISTEN. Columns: sl, local_address (hex ip:port), rem_address, st, ..., inode (10th). */
export function listeningInodes(table: string, port: number): string[] {
  const inodes: string[] = [];
  for (const line of table.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 10 || cols[3] !== '0A') continue;
    if (Number.parseInt(cols[1]!.split(':')[1] ?? '', 16) === port) inodes.push(cols[9]!);
  }
  return inodes;
}

export function pidListeningOn(port: number): number | undefined {
  const inodes = new Set<string>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    try {
      for (const inode of listeningInodes(readFileSync(file, 'utf8'), port)) inodes.add(`socket:[${inode}]`);
    } catch {
      // No IPv6 table, or not Linux.
    }
  }
  if (inodes.size === 0) return undefined;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue; // another user's process, or gone
    }
    for (const fd of fds) {
      try {
        if (inodes.has(readlinkSync(`/proc/${entry}/fd/${fd}`))) return Number(entry);
      } catch {
        // closed meanwhile
      }
    }
  }
  return undefined;
}

/**
 * Whether a URL's hostname (as `new URL().hostname` gives it) names this machine: localhost,
 * 127.0.0.0/8 or ::1. Only then can the process on its port be looked up here; another host's
 * port may be held by an unrelated process of this machine.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
  return host === 'localhost' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) || host === '::1';
}
