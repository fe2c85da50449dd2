/**
 * The attacks of the `hostile` bench section, each run against a server until told to stop:
 * 8 concurrent downloads of a big transcript (in a thread of their own), a flood of
 * Resources-stuffed sign-in tokens, sockets that request the transcript and never read, and a
 * nonce flood from another loopback address. Each returns what it did, in a line.
 */
import { get } from 'node:http';
import { connect, type Socket } from 'node:net';
import { Client } from '@colyseus/sdk';
import { Wallet } from 'ethers';
import { buildSignInMessage, encodeSignInToken } from '../../vrf/protocol/sign-in-message.ts';
import { residentBytes } from '../helpers/server-gauges.ts';
import { startTranscriptReaders } from '../helpers/transcript-readers.ts';

/** Requests in flight at once in the floods. */
const IN_FLIGHT = 8;
/** The flood's address: all of 127.0.0.0/8 is loopback on Linux, so the server sees another client. */
export const ATTACKER_ADDRESS = '127.0.0.2';

export interface AttackedServer {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  readonly roomId: string;
}

/** Runs `attempt` IN_FLIGHT at a time until `stop()` is true; answers how many were made. */
async function flood(stop: () => boolean, attempt: () => Promise<unknown>): Promise<number> {
  let made = 0;
  const lane = async () => {
    while (!stop()) {
      made++;
      await attempt();
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
  return made;
}

/** Rounds of 8 concurrent whole downloads of the room's transcript. */
export async function downloads(target: AttackedServer, stop: () => boolean): Promise<string> {
  const readers = startTranscriptReaders(`${target.url}/rooms/${target.roomId}/transcript`);
  let rounds = 0;
  let bytes = 0;
  try {
    while (!stop()) {
      for (const d of await readers.round()) {
        if (d.last !== 'close') throw new Error(`a download ended with a ${d.last} record, not the close`);
        bytes += d.length;
      }
      rounds++;
    }
  } finally {
    await readers.stop();
  }
  return `${rounds} rounds of 8, ${(bytes / 1024 / 1024).toFixed(0)} MB read`;
}

/** Joins with a token whose message is stuffed with Resources lines (as the audit sent), 8 at a time. */
export async function stuffedSignIns(target: AttackedServer, stop: () => boolean): Promise<string> {
  const wallet = Wallet.createRandom();
  const base = buildSignInMessage({ domain: 'localhost', uri: target.url, address: wallet.address, nonce: 'ab12cd34ef56ab78', chainId: 31337 });
  const stuffed = (lines: number) => `${base}\nResources:\n${Array.from({ length: lines }, (_, i) => `- a:${i}`).join('\n')}`.slice(0, 4096);
  const signature = `0x${'11'.repeat(65)}`;
  const tokens = [encodeSignInToken(stuffed(700), signature), encodeSignInToken(stuffed(40), signature)];
  let admitted = 0;
  let i = 0;
  const made = await flood(stop, async () => {
    const client = new Client(target.url);
    client.auth.token = tokens[i++ % 2]!;
    const room = await client.joinOrCreate('dice').catch(() => undefined);
    if (room) (admitted++, await room.leave());
  });
  if (admitted > 0) throw new Error(`${admitted} stuffed sign-ins were admitted`);
  return `${made} tokens, all refused`;
}

/** 60 sockets request the transcript and never read; the server's memory sampled meanwhile. */
export async function stalledReaders(target: AttackedServer, stop: () => boolean): Promise<{ line: string; before: number; peak: number }> {
  const before = residentBytes(target.pid);
  const sockets: Socket[] = [];
  for (let i = 0; i < 60; i++) {
    const socket = connect(target.port, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.pause(); // never reads: the kernel's buffers fill, then the server's writes stall
    socket.write(`GET /rooms/${target.roomId}/transcript HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    sockets.push(socket);
  }
  let peak = before;
  while (!stop()) {
    peak = Math.max(peak, residentBytes(target.pid));
    await new Promise((r) => setTimeout(r, 50));
  }
  const open = sockets.filter((s) => !s.destroyed).length;
  for (const s of sockets) s.destroy();
  const mb = (n: number) => (n / 1024 / 1024).toFixed(0);
  return { line: `RSS ${mb(before)} MB before, peak ${mb(peak)} MB (${(peak / before).toFixed(2)}x); ${open} of 60 still open at the end`, before, peak };
}

/** GET /auth/nonce from ATTACKER_ADDRESS, 8 at a time. */
export async function nonceFlood(target: AttackedServer, stop: () => boolean): Promise<string> {
  const statuses = new Map<number, number>();
  const made = await flood(
    stop,
    () =>
      new Promise<void>((resolve, reject) => {
        const req = get(`${target.url}/auth/nonce`, { localAddress: ATTACKER_ADDRESS, agent: false }, (res) => {
          statuses.set(res.statusCode ?? 0, (statuses.get(res.statusCode ?? 0) ?? 0) + 1);
          res.resume();
          res.on('end', resolve);
        });
        req.on('error', reject);
      }),
  );
  return `${made} requests from ${ATTACKER_ADDRESS}: ${[...statuses].map(([s, n]) => `${n}x ${s}`).join(', ')}`;
}
