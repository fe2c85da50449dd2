/**
 * Sign-In with Ethereum (EIP-4361) for players joining rooms: issues single-use nonces and
 * verifies signed sign-in messages, yielding the player's EIP-55 address.
 *
 * Only EOA signatures (ECDSA recovery via ethers `verifyMessage`) are accepted. EIP-1271 contract
 * wallets are out of scope: checking them needs an RPC provider, and this server runs offline.
 * That is also why `SiweMessage.verify` is not used: with no provider it falls through to its
 * EIP-1271 path, logs recovery errors to the console, and re-serialises the parsed message
 * instead of checking the exact text that was signed.
 * @module
 */
import { getAddress, verifyMessage } from 'ethers';
import { SiweMessage } from 'siwe';
import { parseDelegation, SESSION_KEY_URN, type Delegation, type DelegationTerms } from '../../vrf/protocol/authorization.ts';
import { MemoryNonceStore, type NonceStore } from './nonce-store.ts';
import { messageOverLimit, readNonce } from './sign-in-limits.ts';

/** Who signed in, and the session key the sign-in delegated draw requests to (if it named one). */
export interface SignedIn {
  readonly address: string;
  readonly sessionKey?: string;
  /** The exact text and signature that delegate to `sessionKey`: every receipt of this player's draws carries them. */
  readonly delegation?: Delegation;
  /** When the delegation starts and ends (ms since 1970): a draw outside would not verify. */
  readonly delegationIssuedAt?: number;
  readonly delegationExpiresAt?: number;
}

/** Machine-usable reason codes: clients can branch on these (e.g. `nonce` means fetch a new one). */
export type SignInFailure =
  | 'malformed'
  | 'too-large'
  | 'domain'
  | 'chain'
  | 'uri'
  | 'nonce'
  | 'expired'
  | 'not-yet-valid'
  | 'signature';

export class SignInError extends Error {
  override readonly name = 'SignInError';
  constructor(
    readonly reason: SignInFailure,
    message: string,
  ) {
    super(message);
  }
}

export interface SignInOptions {
  /** RFC 3986 authority the message must name, compared exactly. */
  domain: string;
  /** The message's URI must equal this or lie under it (see `uriIsUnder`). */
  uri: string;
  /** The chain id the message must name: the configured chain's. */
  chainId: number;
  /** How long an issued nonce stays usable; also the maximum age of the message's `issuedAt`. */
  nonceTtlMs: number;
  /**
   * Where issued nonces wait to be used, under their quota. Default: this process's memory, at
   * most 32 per client and 100 000 in all; a cluster shares one in Redis.
   */
  nonces?: NonceStore;
  /** Milliseconds since the epoch; injectable so tests can move time. */
  now?: () => number;
}

const SIGNATURE_FORMAT = /^0x[0-9a-fA-F]{130}$/;
const CLOCK_SKEW_MS = 60_000;
const NONCE_BYTES = 16; // 128 bits; EIP-4361 asks for at least 8 alphanumeric characters.

export class SignInService {
  private readonly domain: string;
  private readonly uri: string;
  private readonly nonceTtlMs: number;
  readonly chainId: number;
  private readonly nonces: NonceStore;
  private readonly now: () => number;

  constructor(opts: SignInOptions) {
    if (!opts.domain) throw new TypeError('SignInService: domain is required');
    if (!opts.uri) throw new TypeError('SignInService: uri is required');
    if (!Number.isFinite(opts.nonceTtlMs) || opts.nonceTtlMs <= 0)
      throw new RangeError(`SignInService: nonceTtlMs must be a positive number, got ${opts.nonceTtlMs}`);
    if (!Number.isSafeInteger(opts.chainId) || opts.chainId < 1)
      throw new RangeError(`SignInService: chainId must be a positive integer, got ${opts.chainId}`);
    this.domain = opts.domain;
    this.chainId = opts.chainId;
    this.uri = opts.uri;
    this.nonceTtlMs = opts.nonceTtlMs;
    this.nonces = opts.nonces ?? new MemoryNonceStore({ perClient: 32, total: 100_000 });
    this.now = opts.now ?? Date.now;
  }

  /**
   * A fresh nonce for `client` (see `server/limits/client-ip.ts`), and the chain id to sign for. Rejects with
   * `NonceQuotaExceeded` when the client, or the store, holds too many unused ones.
   */
  async issueNonce(client: string): Promise<{ nonce: string; issuedAt: string; expiresAt: string; chainId: number }> {
    const issuedAt = this.now();
    const nonce = randomHex(NONCE_BYTES);
    await this.nonces.put(nonce, issuedAt, this.nonceTtlMs, client);
    // `issuedAt` is the server's clock: a client stamps its sign-in with it, so a delegation
    // never starts after the server's first receipt under it, however the client's clock runs.
    return { nonce, issuedAt: new Date(issuedAt).toISOString(), expiresAt: new Date(issuedAt + this.nonceTtlMs).toISOString(), chainId: this.chainId };
  }

  /**
   * Resolves with the signer's EIP-55 address, or rejects with a `SignInError`.
   * Cheapest checks first: the published size limits (`sign-in-limits.ts`), then the nonce, read
   * from its line alone, before the message is parsed or any signature is recovered, so a
   * message under a nonce this server did not issue costs a line scan. Once its nonce is read,
   * the nonce is spent whatever the outcome, so a captured message cannot be replayed and a
   * nonce cannot be used to try signature after signature.
   * A message naming a session key (`urn:fairplay:session-key:…`) is read as verifiers read it.
   */
  async verify(input: { message: string; signature: string }): Promise<SignedIn> {
    const { message, signature } = input;
    if (typeof message !== 'string' || typeof signature !== 'string')
      throw new SignInError('malformed', 'message and signature must be strings');
    const overLimit = messageOverLimit(message);
    if (overLimit) throw new SignInError('too-large', overLimit);
    if (!SIGNATURE_FORMAT.test(signature))
      throw new SignInError('malformed', 'signature must be 0x followed by 130 hex digits (65 bytes)');
    const nonce = readNonce(message);
    if (nonce === undefined) throw new SignInError('malformed', 'message has no single "Nonce: " line of letters and digits');
    const now = this.now();
    await this.consumeNonce(nonce, now);

    const parsed = parseMessage(message);
    // The grammar and the line scan must agree on which nonce was spent.
    if (parsed.nonce !== nonce) throw new SignInError('malformed', 'message nonce could not be read unambiguously');

    if (parsed.domain !== this.domain)
      throw new SignInError('domain', `message is for domain "${parsed.domain}", expected "${this.domain}"`);
    if (!uriIsUnder(parsed.uri, this.uri))
      throw new SignInError('uri', `message is for URI "${parsed.uri}", expected "${this.uri}"`);
    if (parsed.version !== '1')
      throw new SignInError('malformed', `unsupported message version "${parsed.version}"`);
    if (parsed.chainId !== this.chainId)
      throw new SignInError('chain', `message is for chain id ${parsed.chainId}, this server's chain is ${this.chainId}`);
    this.checkTimes(parsed, now);

    const claimed = getAddress(parsed.address);
    let recovered: string;
    try {
      // The exact received text, not a re-serialisation: that is what the wallet signed.
      recovered = verifyMessage(message, signature);
    } catch {
      throw new SignInError('signature', 'signature is not a valid secp256k1 signature');
    }
    if (recovered !== claimed)
      throw new SignInError('signature', `signature was not made by ${claimed}`);
    if (!parsed.resources?.some((r) => r.startsWith(SESSION_KEY_URN))) return { address: recovered };
    let terms: DelegationTerms;
    try {
      terms = parseDelegation(message);
    } catch (e) {
      throw new SignInError('malformed', (e as Error).message);
    }
    return {
      address: recovered,
      sessionKey: terms.sessionKey,
      delegation: { message, signature: signature.toLowerCase() },
      delegationIssuedAt: terms.issuedAt,
      delegationExpiresAt: terms.expiresAt,
    };
  }

  private async consumeNonce(nonce: string, now: number): Promise<void> {
    // Unknown and expired look alike to the client on purpose: whether an expired nonce has
    // already been pruned is an internal detail, and either way the fix is a fresh nonce.
    if ((await this.nonces.take(nonce, now)) === undefined)
      throw new SignInError('nonce', 'nonce was not issued by this server, has already been used, or has expired');
  }

  private checkTimes(parsed: SiweMessage, now: number): void {
    const expirationTime = parseTime(parsed.expirationTime, 'expirationTime');
    if (expirationTime !== undefined && now >= expirationTime)
      throw new SignInError('expired', `message expired at ${parsed.expirationTime}`);
    const notBefore = parseTime(parsed.notBefore, 'notBefore');
    if (notBefore !== undefined && now < notBefore)
      throw new SignInError('not-yet-valid', `message is not valid before ${parsed.notBefore}`);
    const issuedAt = parseTime(parsed.issuedAt, 'issuedAt');
    if (issuedAt === undefined) throw new SignInError('malformed', 'message has no issuedAt');
    if (issuedAt > now + CLOCK_SKEW_MS)
      throw new SignInError('not-yet-valid', `message issuedAt ${parsed.issuedAt} is in the future`);
    // The skew allowance applies here too: a client clock running behind stamps an issuedAt
    // earlier than the nonce it is using.
    if (now - issuedAt > this.nonceTtlMs + CLOCK_SKEW_MS)
      throw new SignInError('expired', `message issuedAt ${parsed.issuedAt} is too old`);
  }

}

function parseMessage(message: string): SiweMessage {
  try {
    return new SiweMessage(message);
  } catch (err) {
    // The parser lists every grammar error, one per line; the first is enough for a client.
    const detail = err instanceof Error ? (err.message.split('\n')[0] ?? '') : '';
    throw new SignInError('malformed', `not an EIP-4361 message: ${detail}`.trim());
  }
}

function parseTime(value: string | undefined, field: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new SignInError('malformed', `${field} is not a valid date: "${value}"`);
  return ms;
}

/**
 * Exact match, or a sub-path of `base`. A bare string prefix is not enough: it would let
 * `https://fairplay.gg.evil.com` through for a base of `https://fairplay.gg`.
 */
function uriIsUnder(uri: string, base: string): boolean {
  if (uri === base) return true;
  if (!uri.startsWith(base)) return false;
  return base.endsWith('/') || ['/', '?', '#'].includes(uri.charAt(base.length));
}

function randomHex(bytes: number): string {
  const buf = crypto.getRandomValues(new Uint8Array(bytes));
  return Array.from(buf, (b) => b.toString(16).padStart(2, '0')).join('');
}
