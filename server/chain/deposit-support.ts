/**
 * Whether a GameAssets contract takes deposits, and what an old one (deployed before `deposit`
 * existed) holds: the checks behind the deployment's choice between redeploying an old contract
 * on the embedded chain and keeping it with deposits off.
 * @module
 */
import { Contract, id as keccakText, type Provider } from 'ethers';
import { readArtifact } from './artifact.ts';

/**
 * Deposits on this server: `open` (the coin is depositable), `closed` (the contract can take
 * them but the coin is not depositable: the admin has not opened them), `unavailable` (the
 * contract predates `deposit`).
 */
export type DepositsState = 'open' | 'closed' | 'unavailable';

/** Whether the contract has `deposit` (an earlier GameAssets has no `depositable()`: its call reverts). */
export async function hasDeposit(contract: Contract): Promise<boolean> {
  try {
    await contract.getFunction('depositable')(0);
    return true;
  } catch {
    return false;
  }
}

/** The state of deposits of `tokenId` at a contract. */
export async function depositsState(contract: Contract, tokenId: number): Promise<DepositsState> {
  if (!(await hasDeposit(contract))) return 'unavailable';
  return ((await contract.getFunction('depositable')(tokenId)) as boolean) ? 'open' : 'closed';
}

/** The award id of a reveal court's bond mint (as fairness-deployment.ts mints it). */
const courtBondAwardId = (court: string): string => keccakText(`fairplay-court-bond:${court.toLowerCase()}`);

/**
 * How many awards the contract at `address` ever minted to players: every `AwardMinted` event but
 * a reveal court's bond (the server's own coins, which a redeployment replaces with a new court).
 * Reads the logs from block 0 at once: meant for the embedded chain only.
 */
export async function awardsMintedToPlayers(provider: Provider, address: string): Promise<number> {
  const events = new Contract(address, readArtifact().abi as never, provider);
  const logs = await provider.getLogs({ address, topics: [events.interface.getEvent('AwardMinted')!.topicHash], fromBlock: 0, toBlock: 'latest' });
  let count = 0;
  for (const log of logs) {
    const parsed = events.interface.parseLog(log)!;
    if (parsed.args.awardId !== courtBondAwardId(parsed.args.to as string)) count++;
  }
  return count;
}
