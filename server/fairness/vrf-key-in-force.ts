/**
 * Whether a receipt may be signed under the server's VRF key now: on a suite the reveal court
 * verifies (ECVRF-SECP256K1-SHA256-TAI), only while that key is the one the FairnessRegistry has
 * in force. The court refuses an answer under any other key (`KeyNotInForce`), so such a
 * receipt's case could never be answered and its claim would pay from the bond. The schedule is
 * read by chain/vrf-key-schedule.ts; the check is made at each receipt, to the second.
 * @module
 */

/** The registry's `vrfKeyEntries()`: key ids (0x and 16 hex digits, lower case) and from when each is in force (seconds). */
export interface VrfKeyEntries {
  readonly ids: readonly string[];
  readonly activeFrom: readonly number[];
}

/** Where receipts read the schedule (the fairness context's); `entries` undefined until the first read. */
export interface VrfKeyScheduleHolder {
  /** True when receipts must wait for the key to be in force (a suite the court verifies). */
  watched: boolean;
  entries?: VrfKeyEntries;
}

/** The key in force at `seconds` (the last entry already active), or undefined. */
export function keyInForceAt(entries: VrfKeyEntries, seconds: number): string | undefined {
  let id: string | undefined;
  for (const [i, from] of entries.activeFrom.entries()) if (from <= seconds) id = entries.ids[i];
  return id;
}

/** Why a receipt issued at `atMs` under `keyId` (16 hex digits) must not be signed, or undefined when it may. */
export function keyNotInForce(holder: VrfKeyScheduleHolder, keyId: string, atMs: number): string | undefined {
  if (!holder.watched) return undefined;
  if (!holder.entries) return "the fairness registry's VRF keys could not be read yet: draws wait until they are";
  const seconds = Math.floor(atMs / 1000);
  const inForce = keyInForceAt(holder.entries, seconds);
  if (inForce === '0x' + keyId.toLowerCase()) return undefined;
  const i = holder.entries.ids.indexOf('0x' + keyId.toLowerCase());
  const from = i >= 0 ? holder.entries.activeFrom[i]! : undefined;
  return from !== undefined && from > seconds
    ? `this server's VRF key ${keyId} is in force on chain only from ${new Date(from * 1000).toISOString()}: draws wait until then (FAIRNESS.md section 10)`
    : `this server's VRF key ${keyId} is not the one in force on chain (${inForce ?? 'none'}): draws wait until the server runs that key (FAIRNESS.md section 10)`;
}

