/**
 * The path a request will be routed on, computed exactly as the code that routes it will, so
 * that a rate limit keyed on the route cannot be dodged by writing the same target another way.
 * Express routes on `parseurl(req).pathname` (its router's own call): an absolute-form target
 * (`GET http://host/auth/nonce`) routes on its path, and a `#…` fragment is cut; it matches
 * case-insensitively, ignores a trailing slash, and does not decode `%xx` nor merge `//` before
 * matching (so those miss its routes, and count as what they are). Colyseus' matchmaking
 * listener routes on the WHATWG `new URL(req.url, 'http://localhost').pathname`, which also
 * resolves `..` and `.` segments (`%2e` included) and reads `\` as `/`.
 * @module
 */
import parseurl from 'parseurl';

/** The path Express's router matches `url` on, in the loose form its routes match (lower case, no trailing slash). */
export function expressRoutePath(url: string | undefined): string {
  const pathname = parseurl({ url: url ?? '/' })?.pathname ?? '/';
  return pathname.toLowerCase().replace(/(.)\/+$/, '$1');
}

/** The path Colyseus' matchmaking listener matches `url` on; '' when it cannot parse one (it then throws and serves nothing). */
export function colyseusRoutePath(url: string | undefined): string {
  try {
    return new URL(url ?? '/', 'http://localhost').pathname;
  } catch {
    return '';
  }
}
