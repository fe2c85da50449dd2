/**
 * Types for `parseurl` (no `@types` package in the project): the one call
 * server/limits/route-paths.ts makes, returning what Node's legacy `url.parse` gives.
 */
declare module 'parseurl' {
  import type { IncomingMessage } from 'node:http';
  import type { Url } from 'node:url';
  /** The request's URL as Express's router reads it (cached on the request); undefined without `req.url`. */
  function parseurl(req: Pick<IncomingMessage, 'url'>): Url | undefined;
  export default parseurl;
}
