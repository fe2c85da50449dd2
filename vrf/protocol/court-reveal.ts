/**
 * The player's court signature (FAIRNESS.md section 5c): EIP-712 `CourtReveal(bytes32 receipt)`
 * under the v2 domain, where `receipt` is the receipt's EIP-712 digest. The player's own address
 * key signs it (the browser key or the wallet, never the session key), so that only the player
 * can take a receipt to `RevealCourt.reveal`, which recovers it against `players[0]`.
 * @module
 */
import type { TypedDataSigner } from './authorization.ts';
import { defineStruct } from './eip712.ts';
import { bytesToHex } from './encoding.ts';
import { DOMAIN_V2 } from './receipt.ts';

export const COURT_REVEAL = defineStruct(DOMAIN_V2, 'CourtReveal', [['receipt', 'bytes32']]);

/** The digest a player signs to take the receipt of digest `receiptDigest` to the court. */
export function courtRevealDigest(receiptDigest: Uint8Array): Uint8Array {
  return COURT_REVEAL.digest({ receipt: bytesToHex(receiptDigest) });
}

/** The player's CourtReveal signature of a receipt's digest: 0x and 65 bytes. */
export function signCourtReveal(signer: TypedDataSigner, receiptDigest: Uint8Array): Promise<string> {
  return signer.signTypedData(DOMAIN_V2, COURT_REVEAL.types, COURT_REVEAL.message({ receipt: bytesToHex(receiptDigest) }));
}
