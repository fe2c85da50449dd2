/**
 * Getting back into a room after the connection dropped or the page reloaded, with the room's
 * reconnection token, and the banner that says so.
 *
 * The SDK's own automatic reconnection is switched off for game rooms: it refuses within its
 * `minUptime` (5 s) of joining, and it retries the socket for about a minute without telling a
 * server that is down from a room that is gone. Asking the matchmaker instead (`client.reconnect`)
 * gets an answer: the room is gone (522: the server restarted or the room closed), the seat has
 * expired (524: the grace period passed), or it is the same seat again. While the server does
 * not answer at all, it asks again every second, up to `GIVE_UP_MS`.
 * @module
 */
import { MatchMakeError, type Client, type Room } from '@colyseus/sdk';

/** The server holds a dropped seat for RECONNECT_GRACE_SECONDS (20 s by default); past this, it surely let go. */
const GIVE_UP_MS = 30_000;
const RETRY_MS = 1000;
const ROOM_GONE = 522;
const SEAT_EXPIRED = 524;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The same seat again, or why not (a sentence for the player). */
export async function reconnect(client: Client, token: string, giveUpMs = GIVE_UP_MS): Promise<Room | string> {
  const roomId = token.split(':')[0];
  const deadline = Date.now() + giveUpMs;
  for (;;) {
    try {
      return await client.reconnect(token);
    } catch (e) {
      if (e instanceof MatchMakeError && e.code === ROOM_GONE) return `Room ${roomId} is gone: the server restarted or the room closed.`;
      if (e instanceof MatchMakeError && e.code === SEAT_EXPIRED) return `Your seat in room ${roomId} was given up: the reconnection grace period passed.`;
      // No answer (the server is down or restarting), or one that may pass: ask again.
    }
    if (Date.now() > deadline) return `The server did not answer for ${giveUpMs / 1000} s: you left room ${roomId}.`;
    await sleep(RETRY_MS);
  }
}

/** The connection banner (role=status, aria-live): empty text hides it. */
export function connectionBanner(text: string): void {
  const banner = document.getElementById('connection')!;
  banner.textContent = text;
  banner.hidden = text === '';
}
