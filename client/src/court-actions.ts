/**
 * The page's calls to the reveal court (RevealCourt, FAIRNESS.md): `reveal(receipt,
 * operatorSignature, playerSignature, seed)` with the receipt as the operator signed it and the
 * player's own CourtReveal signature, the case's state as the chain holds it, and `claim`.
 *
 * Transactions are signed in the page: with the browser key, sent as raw transactions through
 * the server's JSON-RPC endpoint (`/fairness` chain.rpcUrl, reads and eth_sendRawTransaction
 * only); with a wallet, by the wallet. A browser key starts with no ether: on the embedded chain
 * the server's faucet (`POST /chain/fund`) gives it enough for the gas, once a day.
 *
 * Loaded only when a draw goes to the court (a dynamic import), so the page's first bundle does
 * not carry the contract code.
 * @module
 */
import { Contract, type ContractRunner } from 'ethers';
import { getSuite } from '../../vrf/index.ts';
import { receiptAlpha } from '../../vrf/protocol/alpha.ts';
import { courtAnswerProblems } from '../../vrf/protocol/court-answer.ts';
import { courtSettlement } from '../../vrf/protocol/court-payout.ts';
import { signCourtReveal } from '../../vrf/protocol/court-reveal.ts';
import { receiptTerms } from '../../vrf/protocol/record-checks.ts';
import { bytesToHex, canonicalJson, hexToBytes } from '../../vrf/protocol/encoding.ts';
import { receiptDigest } from '../../vrf/protocol/receipt.ts';
import type { ReceiptRecord } from '../../vrf/protocol/records.ts';
import type { TrustedKeys } from '../../vrf/protocol/transcript.ts';
import { notForCourt, type CourtCase, type CourtReceipt } from './court-store.ts';
import type { Session } from './session.ts';
import { ensureGas, playerSender, readProvider } from './chain-gas.ts';

// Shared with token transfers (chain-gas.ts); court-held.ts takes them from here.
export { ensureGas, playerSender, readProvider };

/** The court's members the page uses (spec: RevealCourt). */
export const COURT_ABI = [
  'function reveal((string roomId,uint64 drawSeq,uint64 recordSeq,bytes32 prevHash,string game,string kind,string action,address[] players,bytes32[] commitments,string suite,string keyId,uint64 issuedAt,bytes32 rulesHash,uint64 revealDeadline,uint64 maxPayout) r, bytes operatorSignature, bytes playerSignature, bytes32 seed)',
  'function claim(bytes32 caseId)',
  'function cases(bytes32 caseId) view returns (address player, uint64 maxPayout, uint64 revealedAt, uint64 answerBy, uint8 status)',
  'event Revealed(bytes32 indexed caseId, address indexed player, string roomId, uint64 drawSeq, bytes32 seed, uint64 answerBy)',
  'event Answered(bytes32 indexed caseId, bytes beta, bytes pi, uint64 payout)',
  'event Claimed(bytes32 indexed caseId, address indexed player, uint64 amount)',
  'error NotSinglePlayer()',
  'error NotOperatorSigned()',
  'error NotPlayerSigned()',
  'error SeedMismatch()',
  'error RevealTooLate()',
  'error CaseExists(bytes32 caseId)',
  'error NotOpen(bytes32 caseId)',
  'error AnswerWindowOpen(bytes32 caseId, uint64 answerBy)',
  'error BondTooSmall(uint256 needed, uint256 available)',
] as const;

export interface CourtChain {
  readonly rpcUrl: string;
  readonly chainId: string;
  readonly court: string;
}

/**
 * The court refused the reveal for now: its bond, less what open cases reserve, is under the
 * receipt's maxPayout. The reveal may succeed later (a case answered or claimed frees its
 * reserve, coins may be added), so the page tries again with the player's signature kept.
 */
export class BondTooSmallError extends Error {
  constructor(
    readonly needed: bigint,
    readonly available: bigint,
    /** The player's CourtReveal signature, for the next try (a wallet is not asked again). */
    readonly playerSignature: string,
  ) {
    super(`the court's bond has ${available} coins free for a reveal, less than the ${needed} this draw could pay`);
  }
}

const x = (hex: string) => (hex.startsWith('0x') ? hex : `0x${hex}`);

/** The receipt as the court's `Receipt` tuple: field for field what the operator signed. */
export function receiptTuple(r: CourtReceipt): unknown[] {
  return [r.roomId, r.drawSeq, r.seq, x(r.prev), r.game, r.kind, canonicalJson(r.action), r.players, r.commitments.map(x), r.suite, r.keyId, r.issuedAt, x(r.rulesHash), r.revealDeadline, r.maxPayout];
}

/** The case id of a receipt: its EIP-712 digest, 0x and 64 hex. */
export function caseIdOf(r: ReceiptRecord): string {
  return `0x${bytesToHex(receiptDigest(r))}`;
}

const court = (chain: CourtChain, runner: ContractRunner) => new Contract(chain.court, COURT_ABI, runner);

/**
 * Takes the draw to the court: signs the player's CourtReveal (unless `signed`, from an earlier
 * try) and sends `reveal`. Resolves with the case; throws BondTooSmallError when the court's
 * bond cannot cover the receipt's maxPayout now.
 */
export async function revealToCourt(chain: CourtChain, session: Session, receipt: ReceiptRecord, seed: string, signed?: string): Promise<CourtCase> {
  const why = notForCourt(receipt);
  if (why) throw new Error(why);
  const provider = readProvider(chain);
  try {
    const sender = await playerSender(session, provider);
    const digest = receiptDigest(receipt);
    const playerSignature = signed ?? (await signCourtReveal(session.signer, digest));
    const contract = court(chain, sender);
    const args = [receiptTuple(receipt as CourtReceipt), receipt.signature, playerSignature, x(seed)];
    // The gas it takes, checked before asking for ether: a revert here names the court's reason.
    const gas = await contract.getFunction('reveal').estimateGas(...args).catch((e: Error) => {
      const bond = revertOf(contract, e);
      if (bond?.name === 'BondTooSmall') throw new BondTooSmallError(bond.args[0] as bigint, bond.args[1] as bigint, playerSignature);
      throw new Error(`the court would refuse this reveal: ${courtError(contract, e)}`);
    });
    const fee = (await provider.getFeeData()).maxFeePerGas ?? 2_000_000_000n;
    if (session.signer.kind === 'local') await ensureGas(session, provider, gas * fee);
    const tx = await contract.getFunction('reveal')(...args, { gasLimit: (gas * 12n) / 10n });
    const mined = await tx.wait();
    const event = mined?.logs.map((l: { topics: string[]; data: string }) => contract.interface.parseLog(l)).find((e: { name: string } | null) => e?.name === 'Revealed');
    if (!mined || !event) throw new Error(`the reveal ${tx.hash} left no Revealed event`);
    return { caseId: event.args.getValue('caseId') as string, revealTx: tx.hash, revealBlock: mined.blockNumber, answerBy: Number(event.args.getValue('answerBy')) };
  } finally {
    provider.destroy();
  }
}

export type CaseState =
  /** chainNow: the latest block's timestamp, seconds: past answerBy, the case may be claimed. */
  | { readonly status: 'revealed'; readonly answerBy: number; readonly maxPayout: number; readonly chainNow: number }
  /**
   * payout: the coins the answer paid the player (0 is right: a draw is settled in chips).
   * payoutProblems: what is wrong with the answer's payout (and beta) for a draw without an
   * outcome, by `courtAnswerProblems`; undefined when not checked (a draw the page did not see
   * voided may have been settled by its room: 0 is right then). settledUnits: for a voided draw
   * whose answer checks, the payout its outcome credits in chips (units; 0 for a loss).
   */
  | {
      readonly status: 'answered';
      readonly beta: string;
      readonly payout: number;
      readonly proofHolds: boolean | undefined;
      readonly payoutProblems?: readonly string[];
      readonly settledUnits?: number;
    }
  | { readonly status: 'claimed'; readonly amount: number }
  | { readonly status: 'none' };

/**
 * The case as the chain holds it now; an answer's proof is checked against the pinned VRF key,
 * and, for a draw the page saw `voided` (no outcome in its room) or an answer that pays, its payout
 * against what the answer owes (0 coins), and how the outcome settles the draw in chips.
 */
export async function caseState(chain: CourtChain, c: CourtCase, receipt: ReceiptRecord, seed: string, keys: TrustedKeys, voided: boolean): Promise<CaseState> {
  const provider = readProvider(chain);
  try {
    const contract = court(chain, provider);
    const [, maxPayout, , answerBy, status] = (await contract.getFunction('cases')(c.caseId)) as [string, bigint, bigint, bigint, bigint];
    if (status === 1n) {
      const chainNow = (await provider.getBlock('latest'))?.timestamp ?? Math.floor(Date.now() / 1000);
      return { status: 'revealed', answerBy: Number(answerBy), maxPayout: Number(maxPayout), chainNow };
    }
    if (status === 3n) return { status: 'claimed', amount: Number(maxPayout) };
    if (status !== 2n) return { status: 'none' };
    // The server's endpoint serves at most 10,000 blocks of logs at once: the answer is looked for in those after the reveal.
    const head = await provider.getBlockNumber();
    const [answered] = await contract.queryFilter(contract.filters.Answered!(c.caseId), c.revealBlock, Math.min(head, c.revealBlock + 9_999));
    if (!answered || !('args' in answered)) return { status: 'answered', beta: '', payout: 0, proofHolds: undefined };
    const beta = (answered.args.getValue('beta') as string).slice(2);
    const pi = (answered.args.getValue('pi') as string).slice(2);
    const payout = Number(answered.args.getValue('payout'));
    // Anyone can check the answer: the proof of this draw's alpha under the pinned key, giving the posted beta.
    const verified = getSuite(keys.suite).verify(hexToBytes(keys.publicKey), receiptAlpha(receipt, [seed]), hexToBytes(pi));
    const proofHolds = verified.valid && bytesToHex(verified.beta) === beta;
    if (!proofHolds || (!voided && payout === 0)) return { status: 'answered', beta, payout, proofHolds };
    // No outcome in the room for a voided draw: the answer pays what the outcome owes.
    const { terms, problem } = receiptTerms(receipt, keys);
    const payoutProblems = problem ? [problem] : courtAnswerProblems(receipt, seed, { beta, pi, payout }, [], keys.publicKey, terms);
    if (payoutProblems.length) return { status: 'answered', beta, payout, proofHolds, payoutProblems };
    // The answer settles the draw in chips as its outcome would have: the page says how it came out.
    const settledUnits = courtSettlement(receipt, verified.beta, terms).payoutUnits;
    return { status: 'answered', beta, payout, proofHolds, payoutProblems, settledUnits };
  } finally {
    provider.destroy();
  }
}

/** Claims an unanswered case past its answer window: the receipt's maximum payout in coins. */
export async function claimCase(chain: CourtChain, session: Session, c: CourtCase): Promise<string> {
  const provider = readProvider(chain);
  try {
    const contract = court(chain, await playerSender(session, provider));
    const gas = await contract.getFunction('claim').estimateGas(c.caseId).catch((e: Error) => {
      throw new Error(`the court would refuse this claim: ${courtError(contract, e)}`);
    });
    const tx = await contract.getFunction('claim')(c.caseId, { gasLimit: (gas * 12n) / 10n });
    await tx.wait();
    return tx.hash as string;
  } finally {
    provider.destroy();
  }
}

/** A revert's custom error, when the court's ABI knows it. */
function revertOf(contract: Contract, e: Error): { name: string; args: readonly unknown[] } | null {
  // ethers puts the revert data on the error, or, from some endpoints, on the JSON-RPC error inside it.
  const data = (e as { data?: string }).data ?? (e as { info?: { error?: { data?: string } } }).info?.error?.data;
  return typeof data === 'string' ? contract.interface.parseError(data) : null;
}

/** A revert's custom error by name when the court's ABI knows it, else ethers' short message. */
export function courtError(contract: Contract, e: Error): string {
  return revertOf(contract, e)?.name ?? (e as { shortMessage?: string }).shortMessage ?? e.message;
}
