/**
 * Room admission by Sign-In with Ethereum. The client's bearer token is base64url of
 * `{"message": <EIP-4361 text>, "signature": "0x..."}`; a room knows each player by the address
 * that signed it, and keeps the session key the message delegates to (with the delegation
 * itself), which signs the player's draw requests (protocol v2).
 * @module
 */
import { ServerError } from '@colyseus/core';
import { z } from 'zod';
import { services } from '../services.ts';
import { SeatRefused, type Seat } from './seats.ts';
import { SignInError, type SignedIn } from './siwe.ts';
import { tokenOverLimit } from './sign-in-limits.ts';

/** A signed-in player: the address, and the session key (with its delegation) that signs their draws, if the sign-in named one. */
export type PlayerAuth = SignedIn;

// The message's own limits are checked by SignInService, with their reasons.
const TokenSchema = z.strictObject({ message: z.string(), signature: z.string().max(200) });


/**
 * Colyseus retries a join or joinOrCreate request up to five times when a seat reservation fails
 * (a room filling up under a burst) and calls onAuth again on each try, with the same request's
 * context. The token's nonce is spent on the first try, so each later try would be refused as a
 * replay: one request's tries share the first try's verdict. A new request (a replayed token)
 * has a context of its own and is checked afresh.
 */
const verdicts = new WeakMap<object, Promise<PlayerAuth>>();

export function authenticateRequest(token: string | undefined, request: object): Promise<PlayerAuth> {
  let verdict = verdicts.get(request);
  if (!verdict) verdicts.set(request, (verdict = authenticatePlayer(token)));
  return verdict;
}

/** Verifies a sign-in token; refuses with HTTP 401 and the reason. */
export async function authenticatePlayer(token: string | undefined): Promise<PlayerAuth> {
  if (!token) throw new ServerError(401, 'sign-in required: no token');
  // Before base64 and JSON: an oversized token costs a length check.
  const overLimit = tokenOverLimit(token);
  if (overLimit) throw new ServerError(401, `sign-in refused (too-large): ${overLimit}`);
  let parsed: z.infer<typeof TokenSchema>;
  try {
    const json = atob(token.replaceAll('-', '+').replaceAll('_', '/'));
    parsed = TokenSchema.parse(JSON.parse(json));
  } catch {
    throw new ServerError(401, 'sign-in refused (malformed): token is not base64url JSON {message, signature}');
  }
  try {
    return await services().signIn.verify(parsed);
  } catch (e) {
    if (e instanceof SignInError) throw new ServerError(401, `sign-in refused (${e.reason}): ${e.message}`);
    throw e;
  }
}

/** The game a seat is at, and whether it stakes chips (such seats keep to one process in a cluster). */
export interface SeatKind {
  readonly game: string;
  readonly stakesChips: boolean;
}

function seatOf(kind: SeatKind, roomId: string, client: { sessionId: string; auth?: PlayerAuth }): Seat {
  return { ...kind, roomId, sessionId: client.sessionId, address: client.auth!.address };
}

/** Claims the joining player's seat; a refusal reaches the client as a 403 with its reason. */
export async function claimSeat(kind: SeatKind, roomId: string, client: { sessionId: string; auth?: PlayerAuth }): Promise<void> {
  try {
    await services().seats.claim(seatOf(kind, roomId, client));
  } catch (e) {
    if (e instanceof SeatRefused) throw new ServerError(403, `seat refused (${e.reason}): ${e.message}`);
    throw e;
  }
}

export async function releaseSeat(kind: SeatKind, roomId: string, client: { sessionId: string; auth?: PlayerAuth }): Promise<void> {
  await services().seats.release(seatOf(kind, roomId, client)).catch((err: unknown) => services().log.warn({ err, roomId }, 'seat release failed (it lapses on its own)'));
}
