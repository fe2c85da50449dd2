/**
 * Builds the Sign-In with Ethereum (EIP-4361) text a player's wallet signs to join a room.
 *
 * Isomorphic on purpose (no `node:` imports, no Buffer): the browser client builds the message
 * with this module and the server tests build theirs with it too, so both sides agree on the
 * exact text. The server parses and checks it with the `siwe` package; a test checks this text
 * is what `siwe` itself prepares for the same fields.
 * @module
 */
import { getAddress } from 'ethers';
import { sessionKeyResource } from './authorization.ts';

/** Shown by the wallet; says plainly that signing cannot move funds. */
export const DEFAULT_SIGN_IN_STATEMENT =
  'Sign in to Fairplay. This signature proves you own this address; it does not authorize any transaction.';

const DEFAULT_VALIDITY_MS = 10 * 60 * 1000;
/** A sign-in that delegates to a session key lasts a day of play unless told otherwise (FAIRNESS.md 5a allows up to 7 days). */
const DEFAULT_DELEGATION_MS = 24 * 60 * 60 * 1000;

export interface SignInMessageParams {
  /** RFC 3986 authority of the site asking for the signature, e.g. `play.fairplay.gg`. */
  domain: string;
  uri: string;
  /** Any case: wallets often report lowercase addresses, the message needs EIP-55. */
  address: string;
  /** As issued by the server's `SignInService.issueNonce()`. */
  nonce: string;
  chainId?: number;
  issuedAt?: Date;
  expirationTime?: Date;
  statement?: string;
  /**
   * A fresh key this sign-in delegates draw requests to (FAIRNESS.md section 5a): the message
   * then ends with `Resources:` and the line `- urn:fairplay:session-key:<EIP-55 address>`.
   */
  sessionKey?: string;
}

/** Returns the EIP-4361 message text; throws if any field would make it unparseable. */
export function buildSignInMessage(p: SignInMessageParams): string {
  // A message without the server's nonce would be refused after the user already signed.
  if (!p.nonce) throw new Error('buildSignInMessage: nonce is required (get one from the server)');
  if (!/^[A-Za-z0-9]{8,}$/.test(p.nonce)) throw new Error('buildSignInMessage: the nonce must be 8 or more letters and digits');
  if (!/^[^\s/?#]+$/.test(p.domain)) throw new Error(`buildSignInMessage: domain must be an RFC 3986 authority, got ${JSON.stringify(p.domain)}`);
  if (!/^[a-zA-Z][a-zA-Z0-9+.-]*:\S+$/.test(p.uri)) throw new Error(`buildSignInMessage: uri must be an RFC 3986 URI, got ${JSON.stringify(p.uri)}`);
  const statement = p.statement ?? DEFAULT_SIGN_IN_STATEMENT;
  if (statement.includes('\n')) throw new Error('buildSignInMessage: the statement must be one line');
  const issuedAt = p.issuedAt ?? new Date();
  const expirationTime = p.expirationTime ?? new Date(issuedAt.getTime() + (p.sessionKey ? DEFAULT_DELEGATION_MS : DEFAULT_VALIDITY_MS));
  return [
    `${p.domain} wants you to sign in with your Ethereum account:`,
    getAddress(p.address),
    '',
    statement,
    '',
    `URI: ${p.uri}`,
    'Version: 1',
    `Chain ID: ${p.chainId ?? 1}`,
    `Nonce: ${p.nonce}`,
    `Issued At: ${issuedAt.toISOString()}`,
    `Expiration Time: ${expirationTime.toISOString()}`,
    ...(p.sessionKey ? ['Resources:', `- ${sessionKeyResource(p.sessionKey)}`] : []),
  ].join('\n');
}

/** The bearer token a client sends to join a room: base64url of {message, signature}. */
export function encodeSignInToken(message: string, signature: string): string {
  return btoa(JSON.stringify({ message, signature })).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}
