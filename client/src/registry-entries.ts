/**
 * The fairness registry's entries as the game page checks receipts against them (FAIRNESS.md,
 * verifying against the chain): read through `/fairness`'s `chain.rpcUrl` from its
 * `chain.registry`, once per room the page follows, then handed to the room's verifier in the
 * worker, which checks every receipt's signer, VRF key and rules against the entries in force at
 * its issue. A receipt the registry does not back fails, so the page never reveals a seed to it.
 *
 * The reader (vrf/protocol/chain-registry.ts, ethers' provider) is loaded only here, on a dynamic
 * import, so the page's first bundle does not carry it.
 * @module
 */
import type { RegistryEntries } from '../../vrf/protocol/registry-check.ts';
import { addressOf, type Fairness } from './api.ts';

/** The entries for `game`'s rules and the server's keys, or why they could not be read (the page then checks without them). */
export async function readRegistryEntries(keys: Fairness, game: string): Promise<RegistryEntries | string> {
  const registry = addressOf(keys.chain.registry);
  if (!registry) return 'this server publishes no fairness registry';
  try {
    const { ChainRegistry } = await import('../../vrf/protocol/chain-registry.ts');
    const reader = await ChainRegistry.connect(keys.chain.rpcUrl, registry);
    try {
      return await reader.entries([game]);
    } finally {
      reader.destroy();
    }
  } catch (e) {
    return (e as Error).message;
  }
}
