/**
 * Provers for court answers under the VRF keys of suites the server no longer draws with
 * (server/keys.ts `loadRetiredVrfKeys`), by key id. A server that moved to another suite still
 * owes an answer for every receipt it issued under the old key until that receipt's deadline;
 * without the key such a case would be claimed. These proofs are rare (one per court case under an
 * old key), so they run on the main thread rather than in a worker pool of their own.
 * @module
 */
import { vrfKeyId } from '../../vrf/protocol/commitment.ts';
import type { Prover } from '../fairness/prover.ts';
import type { RetiredVrfKey } from '../keys.ts';

export function retiredProvers(keys: readonly RetiredVrfKey[]): ReadonlyMap<string, Pick<Prover, 'prove'>> {
  return new Map(
    keys.map((k) => {
      const prove = async (alpha: Uint8Array) => {
        const pi = k.suite.prove(k.secretKey.reveal(), alpha);
        return { pi, beta: k.suite.proofToHash(pi) };
      };
      return [vrfKeyId(k.suite.name, k.publicKey), { prove }] as const;
    }),
  );
}
