/**
 * Draw authorisation (FAIRNESS.md section 5a, protocol version 2): every draw is asked for by its
 * player, who signs an EIP-712 `DrawRequest` over the room, game, kind, action, seed
 * commitment and the hash of the rules the draw is played under; a move on an open draw is a
 * `DrawMove` the player signs the same way. Without it an operator holding its own keys could write a receipt in any player's
 * name with a commitment of its own (so a seed it knows) and grind until the outcome suits it.
 *
 * A wallet signs once per sign-in: the EIP-4361 message names a fresh session key as a resource
 * (`urn:fairplay:session-key:<address>`), and that key signs the draw requests silently. The
 * delegation (the sign-in text and the wallet's signature of it) travels with each authorisation
 * in the receipt, so a verifier holding only the transcript can check the whole chain: wallet →
 * session key → this draw.
 *
 * Isomorphic (the page's bundle carries it): the EIP-4361 text is parsed here, not with `siwe`.
 * @module
 */
import { getAddress, verifyMessage, type TypedDataField } from 'ethers';
import { canonicalJson, type JsonValue } from './encoding.ts';
import { defineStruct, recoverSigner } from './eip712.ts';
import { DOMAIN_V2 } from './receipt.ts';

export const DRAW_REQUEST_DOMAIN = DOMAIN_V2;

export const DRAW_REQUEST = defineStruct(DOMAIN_V2, 'DrawRequest', [
  ['roomId', 'string'],
  ['game', 'string'],
  ['kind', 'string'],
  ['action', 'string'],
  ['commitment', 'bytes32'],
  ['rulesHash', 'bytes32'],
]);
export const DRAW_REQUEST_TYPES = DRAW_REQUEST.types;

/** A player's move on an open draw (a blackjack hit): its place among the draw's moves, so it cannot be replayed. */
export const DRAW_MOVE = defineStruct(DOMAIN_V2, 'DrawMove', [
  ['roomId', 'string'],
  ['drawSeq', 'uint64'],
  ['moveIndex', 'uint64'],
  ['move', 'string'],
]);

/** The resource line's prefix in a sign-in message that delegates to a session key. */
export const SESSION_KEY_URN = 'urn:fairplay:session-key:';

/** What a player asks for: the draw's terms exactly as its receipt will hold them. */
export interface DrawRequest {
  readonly roomId: string;
  readonly game: string;
  readonly kind: string;
  readonly action: JsonValue;
  /** The seed commitment, 64 lowercase hex digits (no 0x). */
  readonly commitment: string;
  /** The hash of the game's rules document the player plays under (64 hex digits). */
  readonly rulesHash: string;
}

/** A move a player makes on a draw of theirs: the `moveIndex`-th move of the draw (from 0). */
export interface DrawMove {
  readonly roomId: string;
  readonly drawSeq: number;
  readonly moveIndex: number;
  readonly move: string;
}

/** A delegation: the EIP-4361 text naming the session key, and the wallet's EIP-191 signature of it. */
export interface Delegation {
  readonly message: string;
  readonly signature: string;
}

/** One player's authorisation of a draw or a move, as v2 records carry it. */
export interface DrawAuthorization {
  readonly signature: string;
  /** Present when a session key signed; absent when the player's address signed itself. */
  readonly delegation?: Delegation;
}

/** Anything that signs EIP-712 typed data (an ethers Wallet, a session key, a wallet bridge). */
export interface TypedDataSigner {
  signTypedData(domain: typeof DOMAIN_V2, types: Record<string, TypedDataField[]>, value: Record<string, unknown>): Promise<string>;
}

/** The EIP-712 message of a draw request: action as canonical JSON. */
export function drawRequestMessage(r: DrawRequest): Record<string, string> {
  for (const [name, v] of [['commitment', r.commitment], ['rulesHash', r.rulesHash]] as const)
    if (!/^[0-9a-f]{64}$/.test(v)) throw new Error(`${name} must be 64 lowercase hex digits`);
  return { roomId: r.roomId, game: r.game, kind: r.kind, action: canonicalJson(r.action), commitment: r.commitment, rulesHash: r.rulesHash };
}

/** keccak256(0x1901 ‖ domainSeparator ‖ hashStruct(DrawRequest)): what a draw's authorization signs. */
export function drawRequestDigest(r: DrawRequest): Uint8Array {
  return DRAW_REQUEST.digest(drawRequestMessage(r));
}

/** Signs a draw request: the `authorization` a draw-opening message carries. */
export function signDrawRequest(signer: TypedDataSigner, r: DrawRequest): Promise<string> {
  return signer.signTypedData(DOMAIN_V2, DRAW_REQUEST.types, DRAW_REQUEST.message(drawRequestMessage(r)));
}

/** Signs a move: the `authorization` a move message carries. */
export function signDrawMove(signer: TypedDataSigner, m: DrawMove): Promise<string> {
  return signer.signTypedData(DOMAIN_V2, DRAW_MOVE.types, DRAW_MOVE.message({ ...m }));
}

export function drawMoveDigest(m: DrawMove): Uint8Array {
  return DRAW_MOVE.digest({ ...m });
}

/** The address that signed a draw request (throws on a malformed signature: see `recoverSigner`). */
export function drawRequestSigner(r: DrawRequest, signature: string): string {
  return recoverSigner(drawRequestDigest(r), signature);
}

/** The resource line naming a session key (EIP-55 address). */
export function sessionKeyResource(address: string): string {
  return SESSION_KEY_URN + getAddress(address);
}

const HEADER = ' wants you to sign in with your Ethereum account:';

/** What a delegation says: who delegated to which session key, and for when (ms since 1970). */
export interface DelegationTerms {
  readonly address: string;
  readonly sessionKey: string;
  readonly issuedAt: number;
  /** Required, after `issuedAt` and at most 7 days after it. */
  readonly expiresAt: number;
}

/** The longest a delegation may last (its Expiration Time after its Issued At): a session key is a bearer key. */
export const MAX_DELEGATION_MS = 7 * 24 * 60 * 60 * 1000;

/** The one `<name>: <time>` line among `lines`, in milliseconds since 1970; undefined if there is none. */
function timeField(lines: readonly string[], name: string): number | undefined {
  const found = lines.filter((l) => l.startsWith(`${name}: `));
  if (found.length > 1) throw new Error(`delegation message has ${found.length} ${name} lines`);
  if (found.length === 0) return undefined;
  const text = found[0]!.slice(name.length + 2);
  const ms = Date.parse(text);
  // RFC 3339 to the millisecond at most: finer digits would read differently in different parsers.
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,3})?(Z|[+-]\d\d:\d\d)$/.test(text) || Number.isNaN(ms))
    throw new Error(`delegation message: ${name} is not an RFC 3339 time (to the millisecond at most)`);
  return ms;
}

/**
 * The account, session key and validity of an EIP-4361 message: the account is line 2; the
 * session key is the one `- urn:fairplay:session-key:0x…` line of the `Resources:` list, which
 * ends the message; `Issued At` is required, `Expiration Time` optional. Throws when the text is
 * not of that shape or names no, or two, session keys.
 */
export function parseDelegation(message: string): DelegationTerms {
  if (typeof message !== 'string' || message.length > 4096) throw new Error('delegation message is not a string of at most 4096 characters');
  const lines = message.split('\n');
  if (!lines[0]?.endsWith(HEADER) || lines[0].length === HEADER.length) throw new Error('delegation message is not an EIP-4361 sign-in message');
  if (!/^0x[0-9a-fA-F]{40}$/.test(lines[1] ?? '')) throw new Error('delegation message has no address on its second line');
  const start = lines.indexOf('Resources:');
  if (start < 0) throw new Error('delegation message has no Resources');
  if (lines.lastIndexOf('Resources:') !== start) throw new Error('delegation message has two Resources lines');
  const resources = lines.slice(start + 1);
  if (resources.length === 0 || resources.some((l) => !l.startsWith('- '))) throw new Error('delegation message: Resources must end the message, one "- " line each');
  const keys = resources.map((l) => l.slice(2)).filter((r) => r.startsWith(SESSION_KEY_URN));
  if (keys.length !== 1) throw new Error(`delegation message names ${keys.length} session keys, not one`);
  const key = keys[0]!.slice(SESSION_KEY_URN.length);
  if (!/^0x[0-9a-fA-F]{40}$/.test(key)) throw new Error('delegation message: the session key is not an 0x address');
  const head = lines.slice(0, start);
  const issuedAt = timeField(head, 'Issued At');
  if (issuedAt === undefined) throw new Error('delegation message has no Issued At');
  const expiresAt = timeField(head, 'Expiration Time');
  if (expiresAt === undefined) throw new Error('delegation message has no Expiration Time: a session key must expire');
  if (expiresAt <= issuedAt || expiresAt - issuedAt > MAX_DELEGATION_MS) throw new Error('delegation message: Expiration Time must come after Issued At, within 7 days');
  return { address: getAddress(lines[1]!.toLowerCase()), sessionKey: getAddress(key.toLowerCase()), issuedAt, expiresAt };
}

const SIGNATURE = /^0x[0-9a-f]{130}$/;

/**
 * Delegations already recovered, by signature: every receipt of a sign-in carries the same one,
 * so a transcript's check recovers it once, not once a draw (a recovery is about 2.5 ms). The
 * message is compared too: a signature paired with another text is recovered afresh.
 */
const recovered = new Map<string, { readonly message: string; readonly signer: string }>();
const RECOVERED_KEPT = 256;

function delegationSigner(d: Delegation): string {
  const known = recovered.get(d.signature);
  if (known?.message === d.message) return known.signer;
  const signer = verifyMessage(d.message, d.signature);
  if (recovered.size >= RECOVERED_KEPT) recovered.delete(recovered.keys().next().value!);
  recovered.set(d.signature, { message: d.message, signer });
  return signer;
}
const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * Why `auth` is not `player`'s signature of `digest` (a draw request's or a move's) at time `at`
 * (the receipt's `issuedAt`), or undefined when it is: the digest recovers to the player's
 * address, or to the session key named by a delegation whose EIP-191 signature recovers to the
 * player's address and whose validity covers `at`. Never throws.
 */
export function authorizationProblem(digest: Uint8Array, player: string, auth: DrawAuthorization | undefined, at: number): string | undefined {
  try {
    if (!auth) return 'no authorization';
    if (!SIGNATURE.test(auth.signature)) return 'authorization is not 0x and 65 bytes of lowercase hex';
    const signer = recoverSigner(digest, auth.signature);
    if (!auth.delegation) return same(signer, player) ? undefined : 'authorization not signed by the player (and no delegation)';
    const terms = parseDelegation(auth.delegation.message);
    if (!same(terms.address, player)) return 'delegation is for another address than the player';
    if (!SIGNATURE.test(auth.delegation.signature)) return 'delegation signature is not 0x and 65 bytes of lowercase hex';
    if (!same(delegationSigner(auth.delegation), player)) return 'delegation not signed by the player';
    if (!same(signer, terms.sessionKey)) return 'authorization not signed by the delegated session key';
    return delegationTimeProblem(terms, at);
  } catch (e) {
    return `authorization cannot be checked: ${(e as Error).message}`;
  }
}

/** Why a delegation does not cover time `at`, or undefined. */
export function delegationTimeProblem(terms: Pick<DelegationTerms, 'issuedAt' | 'expiresAt'>, at: number): string | undefined {
  if (at < terms.issuedAt) return `the draw was issued at ${new Date(at).toISOString()}, before its delegation (issued ${new Date(terms.issuedAt).toISOString()})`;
  if (at >= terms.expiresAt)
    return `the draw was issued at ${new Date(at).toISOString()}, after its delegation expired (${new Date(terms.expiresAt).toISOString()})`;
  return undefined;
}
