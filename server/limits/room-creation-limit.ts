/**
 * Rooms cost their creator: a signed-in address may create `RATE_LIMIT_ROOM_CREATES` rooms per
 * window, and the addresses signed in from one client IP `RATE_LIMIT_ROOM_CREATES_PER_IP`
 * together (a bucket of its own, sized for several players behind one NAT): sign-in keys are
 * free, so the per-address limit alone bounds nothing against a client that makes new ones.
 * The client IP is the key the rate-limited server wrote into the request (CLIENT_KEY_HEADER),
 * never an address the client claims. Checked when the matchmaker admits the request (the
 * room's onAuth, where the address is first known), before any room exists: a `create` always
 * makes a room; a `joinOrCreate` makes one when no room is open to join, and is counted then.
 * A refusal reaches the client as a 429 naming the limit.
 * @module
 */
import { matchMaker, ServerError } from '@colyseus/core';
import { services } from '../services.ts';
import { CLIENT_KEY_HEADER } from './client-ip.ts';

/** What Colyseus' matchmaking route gives onAuth as its context: the Web Request and its headers among the rest. */
interface MatchmakeContext {
  readonly req?: { readonly url?: unknown };
  readonly headers?: { get(name: string): string | null };
}

/**
 * Colyseus calls onAuth again on each of a join request's retries, with the same context: one
 * request is counted once.
 */
const checked = new WeakMap<object, Promise<void>>();

export function limitRoomCreation(address: string, options: unknown, context: object): Promise<void> {
  let check = checked.get(context);
  if (!check) checked.set(context, (check = checkCreation(address, options, context as MatchmakeContext)));
  return check;
}

async function checkCreation(address: string, options: unknown, context: MatchmakeContext): Promise<void> {
  const url = typeof context.req?.url === 'string' && URL.canParse(context.req.url) ? new URL(context.req.url) : undefined;
  const call = url && /^\/matchmake\/([^/]+)\/([^/]+)$/.exec(url.pathname);
  if (!call) return;
  const [, method, roomName] = call;
  const creates = method === 'create' || (method === 'joinOrCreate' && !(await matchMaker.findOneRoomAvailable(decodeURIComponent(roomName!), options ?? {})));
  if (!creates) return;
  const limits = services().rateLimits;
  // The address first: one address past its own limit spends none of its IP's, which the other players behind that IP share.
  const byAddress = await limits.consume('room-creates', address.toLowerCase());
  if (byAddress) throw new ServerError(429, `room not created: ${byAddress.message} for ${address}`);
  // Every matchmaking request passed the rate-limited server, which wrote the header; 'unknown' if not, counted together.
  const client = context.headers?.get(CLIENT_KEY_HEADER) ?? 'unknown';
  const byIp = await limits.consume('room-creates-ip', client);
  if (byIp) throw new ServerError(429, `room not created: ${byIp.message} for the addresses of ${client}`);
}
