/**
 * The answer to a court case the court verifies itself (RevealCourt `answerProven`, suite
 * ECVRF-SECP256K1-SHA256-TAI, FAIRNESS.md section 10): the receipt, the revealed seed, beta, pi
 * and the `fastVerify` witnesses the contract checks pi with.
 *
 * Which answer a case takes is read from the court (`provenAnswer(caseId)`), not guessed from the
 * receipt: the contract decides, and a plain answer to a proven case would only be refused. A
 * court deployed before proven answers has no such view; its cases all take the plain answer.
 * The public key the witnesses are computed for is the one the court verifies with: the
 * registry's entry for the receipt's keyId, read through the court's own `registry()`.
 * @module
 */
import { Contract, Interface, isError, type Provider } from 'ethers';
import { receiptAlpha } from '../../vrf/protocol/alpha.ts';
import { hexToBytes } from '../../vrf/protocol/encoding.ts';
import type { ReceiptRecord } from '../../vrf/protocol/records.ts';
import { fastVerifyWitnesses, InvalidProofError } from '../../vrf/secp256k1-witnesses.ts';
import { courtInterface, PROVEN_SUITE, provenAnswerCalldata } from './court-contract.ts';

/** Why a proven case cannot be answered: no retry changes it (the case will be claimed). */
export class NoProvenAnswer extends Error {}

const registryInterface = new Interface([
  'function vrfKey(bytes8 keyId) view returns (string suite, bytes publicKey, uint64 activeFrom)',
  'function vrfKeyAt(uint64 time) view returns (bytes8)',
]);

/** What the watcher needs to send a proven answer for one court. */
export interface ProvenAnswers {
  /** Whether the court requires `answerProven` for the case (false on a court without the view). Throws on an RPC failure. */
  required(caseId: string): Promise<boolean>;
  /**
   * The calldata of `answerProven` for the draw of `receipt` with `seed`, answered with `beta`
   * and `pi`. Throws NoProvenAnswer when no witnesses exist: pi does not verify under the
   * registered key (the court would refuse it), the key is not of the suite, or it was not the
   * key in force on chain when the receipt was issued.
   */
  calldata(receipt: ReceiptRecord, seed: string, beta: Uint8Array, pi: Uint8Array, payout: number): Promise<string>;
}

export function provenAnswers(court: string, provider: Provider): ProvenAnswers {
  const contract = new Contract(court, courtInterface, provider);
  const keys = new Map<string, Uint8Array>();
  let registry: Contract | undefined;

  const publicKey = async (keyId: string): Promise<Uint8Array> => {
    const known = keys.get(keyId);
    if (known) return known;
    registry ??= new Contract((await contract.getFunction('registry')()) as string, registryInterface, provider);
    const [suite, pk] = (await registry.getFunction('vrfKey')('0x' + keyId)) as [string, string];
    if (suite !== PROVEN_SUITE) throw new NoProvenAnswer(`VRF key ${keyId} is registered for suite ${JSON.stringify(suite)}, not ${PROVEN_SUITE}`);
    const bytes = hexToBytes(pk.slice(2));
    keys.set(keyId, bytes); // a key id names one key for good: cached
    return bytes;
  };

  return {
    async required(caseId) {
      try {
        return (await contract.getFunction('provenAnswer')('0x' + caseId)) as boolean;
      } catch (e) {
        // A court without the view reverts with no data; anything else (the RPC) is retried by the caller.
        if (isError(e, 'CALL_EXCEPTION') && (e.data === null || e.data === '0x')) return false;
        throw e;
      }
    },
    async calldata(receipt, seed, beta, pi, payout) {
      const pk = await publicKey(receipt.keyId);
      // The court refuses (KeyNotInForce) an answer under any key but the one in force when the
      // receipt was issued: no retry changes that, so the case is left to be claimed.
      const issuedAt = Math.floor(receipt.issuedAt / 1000);
      const inForce = ((await registry!.getFunction('vrfKeyAt')(issuedAt)) as string).toLowerCase();
      if (inForce !== '0x' + receipt.keyId.toLowerCase())
        throw new NoProvenAnswer(`VRF key ${receipt.keyId} was not the key in force on chain when the receipt was issued (${new Date(issuedAt * 1000).toISOString()}; in force then: ${inForce})`);
      let witnesses;
      try {
        witnesses = fastVerifyWitnesses(pk, pi, receiptAlpha(receipt, [seed]));
      } catch (e) {
        if (e instanceof InvalidProofError) throw new NoProvenAnswer(`the proof does not verify under VRF key ${receipt.keyId}: ${e.message}`);
        throw e;
      }
      return provenAnswerCalldata(receipt, seed, beta, pi, witnesses, payout);
    },
  };
}
