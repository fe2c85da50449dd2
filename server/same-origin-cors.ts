/**
 * Cross-origin requests are not allowed. The page and everything it calls (the routes, `/chain`,
 * Colyseus' `/matchmake/...`) share the server's origin, and a browser needs no CORS for
 * same-origin requests. Colyseus 0.18, though, answers every HTTP request (its request listener
 * runs ahead of Express) with `Access-Control-Allow-Origin: <the request's Origin>` and
 * `Access-Control-Allow-Credentials: true`, and every OPTIONS preflight with 204: any web page
 * could then call `/chain`, `/auth/nonce` or `/players/...` from its visitors' browsers and read
 * the answers. Its supported hook is `matchMaker.controller` (`DEFAULT_CORS_HEADERS`, merged with
 * `getCorsHeaders()` for each request); here they name the server's own origin (PUBLIC_URL's)
 * at most, so a foreign Origin gets no `Access-Control-Allow-Origin` anywhere.
 * @module
 */
import { matchMaker } from '@colyseus/core';

/** What Colyseus sends on every response whatever the origin: only that the answer depends on it. */
const ALWAYS: Readonly<Record<string, string>> = { Vary: 'Origin' };

/** Restricts Colyseus' CORS headers to `publicUrl`'s origin (process-wide: the matchmaker is one per process). */
export function allowOwnOriginOnly(publicUrl: string): void {
  const own = new URL(publicUrl).origin;
  const defaults: Record<string, string> = matchMaker.controller.DEFAULT_CORS_HEADERS;
  for (const name of Object.keys(defaults)) delete defaults[name];
  Object.assign(defaults, ALWAYS);
  matchMaker.controller.getCorsHeaders = (headers: Headers): Record<string, string> =>
    headers.get('origin') === own
      ? { 'Access-Control-Allow-Origin': own, 'Access-Control-Allow-Methods': 'GET,HEAD,POST', 'Access-Control-Allow-Headers': 'Content-Type, Authorization' }
      : {};
}
