/**
 * Builds the Sign-In with Ethereum (EIP-4361) text a player's wallet signs to join a room.
 *
 * Isomorphic on purpose (no `node:` imports): the browser client builds the message with this
 * module and the server tests build theirs with it too, so both sides agree on the exact text.
 * @module
 */
import { getAddress } from 'ethers';
import { SiweMessage } from 'siwe';

/** Shown by the wallet; says plainly that signing cannot move funds. */
export const DEFAULT_SIGN_IN_STATEMENT =
  'Sign in to Fairplay. This signature proves you own this address; it does not authorize any transaction.';

const DEFAULT_VALIDITY_MS = 10 * 60 * 1000;

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
}

/** Returns the EIP-4361 message text; throws if any field would make it unparseable. */
export function buildSignInMessage(p: SignInMessageParams): string {
  // SiweMessage silently invents a nonce when given none, which the server would never accept.
  if (!p.nonce) throw new Error('buildSignInMessage: nonce is required (get one from the server)');
  const issuedAt = p.issuedAt ?? new Date();
  const expirationTime = p.expirationTime ?? new Date(issuedAt.getTime() + DEFAULT_VALIDITY_MS);
  // The object form of SiweMessage re-parses its own output, so invalid fields throw here
  // rather than producing a message the server would reject after the user already signed.
  return new SiweMessage({
    domain: p.domain,
    address: getAddress(p.address),
    statement: p.statement ?? DEFAULT_SIGN_IN_STATEMENT,
    uri: p.uri,
    version: '1',
    chainId: p.chainId ?? 1,
    nonce: p.nonce,
    issuedAt: issuedAt.toISOString(),
    expirationTime: expirationTime.toISOString(),
  }).prepareMessage();
}
