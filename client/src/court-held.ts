/**
 * Coins the reveal court holds for the player (FAIRNESS.md section 10, "Held payments"): when the
 * player's address refuses a payment (an address with code, e.g. an EIP-7702 delegation, whose
 * receiver hook reverts or needs too much gas), an answer or a claim does not fail: the court
 * keeps the coins in `owed(player)`, and `collect(player)` pays them all out, with all the gas its
 * caller gives (a hook that accepts only its own transactions is paid when the player sends it).
 *
 * Loaded with the court card's other chain calls (a dynamic import).
 * @module
 */
import { Contract } from 'ethers';
import { courtError, ensureGas, playerSender, readProvider, type CourtChain } from './court-actions.ts';
import type { Session } from './session.ts';

/** The court's members for held payments (RevealCourt). */
export const HELD_ABI = ['function owed(address player) view returns (uint256)', 'function collect(address player)', 'error NothingOwed(address player)'] as const;

/** The coins the court holds for `player` now. */
export async function readOwed(chain: CourtChain, player: string): Promise<bigint> {
  const provider = readProvider(chain);
  try {
    return (await new Contract(chain.court, HELD_ABI, provider).getFunction('owed')(player)) as bigint;
  } finally {
    provider.destroy();
  }
}

/**
 * Sends `collect(player)` for the session's own address, from the browser key (through the
 * server's endpoint, its gas from the faucet when it has too little) or by the wallet: the
 * transaction's hash once mined.
 */
export async function collectHeld(chain: CourtChain, session: Session): Promise<string> {
  const provider = readProvider(chain);
  try {
    const contract = new Contract(chain.court, HELD_ABI, await playerSender(session, provider));
    const gas = await contract.getFunction('collect').estimateGas(session.address).catch((e: Error) => {
      throw new Error(`the court would refuse to pay out: ${courtError(contract, e)}`);
    });
    if (session.signer.kind === 'local') await ensureGas(session, provider, gas * ((await provider.getFeeData()).maxFeePerGas ?? 2_000_000_000n));
    const tx = await contract.getFunction('collect')(session.address, { gasLimit: (gas * 12n) / 10n });
    const mined = await tx.wait();
    if (mined?.status !== 1) throw new Error(`the collect ${tx.hash} failed on chain`);
    return tx.hash as string;
  } finally {
    provider.destroy();
  }
}
