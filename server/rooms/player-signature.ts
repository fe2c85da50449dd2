/**
 * A player's signature of a draw request or a move (FAIRNESS.md section 5a), as a room checks it
 * before it writes anything: made by the session key the player's sign-in delegated to (the
 * record then carries the delegation) or by the player's address itself, within the delegation's
 * time. The delegation itself was checked at sign-in as a verifier checks it, so one recovery
 * here is the verifier's whole check.
 * @module
 */
import type { DrawAuthorization } from '../../vrf/protocol/authorization.ts';
import type { PlayerAuth } from '../auth/room-auth.ts';
import { recoverAddress } from '../fairness/secp256k1-wasm.ts';
import { Refusal } from './refusal.ts';

const SIGNATURE = /^0x[0-9a-fA-F]{130}$/;
/** A draw is refused this long before its delegation expires: its receipt is issued a moment after the check. */
const DELEGATION_MARGIN_MS = 30_000;

/** The authorisation a record will carry, or a Refusal (`bad-authorization`, `delegation-expired`, `delegation-not-yet-valid`). */
export function playerSignature(auth: PlayerAuth, authorization: string | undefined, digest: () => Uint8Array): DrawAuthorization {
  if (authorization === undefined) throw new Refusal('bad-authorization', 'no authorization: sign the request (FAIRNESS.md section 5a)');
  if (!SIGNATURE.test(authorization)) throw new Refusal('bad-authorization', 'authorization must be 0x and 65 bytes of hex');
  const signature = authorization.toLowerCase();
  let signer: string;
  try {
    signer = recoverAddress(digest(), signature); // recoverSigner's rules, the curve work in WASM
  } catch (e) {
    throw new Refusal('bad-authorization', `authorization cannot be read: ${(e as Error).message}`);
  }
  const key = signer.toLowerCase();
  if (auth.sessionKey && auth.delegation && key === auth.sessionKey.toLowerCase()) {
    // A draw outside its delegation's time would not verify: refused (before expiry with a
    // margin for the receipt's own time, which comes a moment later).
    const now = Date.now();
    if (auth.delegationIssuedAt !== undefined && now < auth.delegationIssuedAt)
      throw new Refusal('delegation-not-yet-valid', 'your sign-in is stamped later than the server clock: sign in again');
    if (auth.delegationExpiresAt !== undefined && now + DELEGATION_MARGIN_MS >= auth.delegationExpiresAt)
      throw new Refusal('delegation-expired', 'your session key has expired: sign in again');
    return { signature, delegation: auth.delegation };
  }
  if (key === auth.address.toLowerCase()) return { signature };
  throw new Refusal('bad-authorization', 'authorization is not a signature of this request by your session key or your address');
}
