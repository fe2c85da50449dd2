/**
 * Rooms cost their creator: a signed-in address may create `RATE_LIMIT_ROOM_CREATES` rooms per
 * window. Checked when the matchmaker admits the request (the room's onAuth, where the address
 * is first known), before any room exists: a `create` always makes a room; a `joinOrCreate`
 * makes one when no room is open to join, and is counted then. A refusal reaches the client as
 * a 429 naming the limit.
 * @module
 */
import { matchMaker, ServerError } from '@colyseus/core';
import { services } from '../services.ts';

/** What Colyseus' matchmaking route gives onAuth as its context: the Web Request among the rest. */
interface MatchmakeContext {
  readonly req?: { readonly url?: unknown };
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
  const refusal = await services().rateLimits.consume('room-creates', address.toLowerCase());
  if (refusal) throw new ServerError(429, `room not created: ${refusal.message} for ${address}`);
}
