/**
 * What `/fairness` publishes about the reveal court (FAIRNESS.md section 10): where it is, how
 * long a player has to take a receipt there, how long the server has to answer, and the coins
 * claims may mint per epoch. Read from the contract once, at start: they are fixed at deployment.
 * @module
 */
import { Contract, type Provider } from 'ethers';
import { courtInterface } from './court-contract.ts';

export interface CourtInfo {
  /** The RevealCourt contract. */
  readonly address: string;
  /** After a reveal, the seconds the server has to answer before anyone may claim (`answerWindow()`). */
  readonly answerWindowSeconds: number;
  /** After a receipt is issued, the seconds its player has to take it to the court (the receipts' revealDeadline - issuedAt). */
  readonly revealWindowSeconds: number;
  /** Whole coins that claims may mint per court epoch (`budgetPerEpoch()`), as a decimal string (a uint256). */
  readonly budgetPerEpoch: string;
}

export async function readCourtInfo(provider: Provider, court: string, revealWindowMs: number): Promise<CourtInfo> {
  const contract = new Contract(court, courtInterface, provider);
  const [answerWindow, budget] = (await Promise.all([contract.getFunction('answerWindow')(), contract.getFunction('budgetPerEpoch')()])) as [bigint, bigint];
  return { address: court, answerWindowSeconds: Number(answerWindow), revealWindowSeconds: Math.floor(revealWindowMs / 1000), budgetPerEpoch: budget.toString() };
}
