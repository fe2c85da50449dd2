/**
 * A player at the reveal court, for the court tests: the court's and GameAssets' few functions
 * written out from the design (not read from the artifact, so the tests also check that the
 * contract has them), a receipt record turned into the court's `Receipt` argument, the player's
 * `CourtReveal` signature made independently of vrf/protocol, and the chain's clock moved on.
 */
import { Contract, Interface, type ContractRunner, type JsonRpcProvider, type TransactionReceipt, type Wallet } from 'ethers';
import { receiptDigest, receiptMessage } from '../../vrf/protocol/receipt.ts';
import type { ReceiptRecord } from '../../vrf/protocol/records.ts';
import { bytesToHex } from '../../vrf/protocol/encoding.ts';

const RECEIPT_TUPLE =
  '(string roomId,uint64 drawSeq,uint64 recordSeq,bytes32 prevHash,string game,string kind,string action,address[] players,bytes32[] commitments,string suite,string keyId,uint64 issuedAt,bytes32 rulesHash,uint64 revealDeadline,uint64 maxPayout)';

export const courtAbi = new Interface([
  `function reveal(${RECEIPT_TUPLE} r, bytes operatorSignature, bytes playerSignature, bytes32 seed)`,
  'function claim(bytes32 caseId)',
  'function cases(bytes32 caseId) view returns (address player, uint64 maxPayout, uint64 revealedAt, uint64 answerBy, uint8 status)',
  'function answerWindow() view returns (uint64)',
  'event Revealed(bytes32 indexed caseId, address indexed player, string roomId, uint64 drawSeq, bytes32 seed, uint64 answerBy)',
  'event Answered(bytes32 indexed caseId, bytes beta, bytes pi, uint64 payout)',
  'event Claimed(bytes32 indexed caseId, address indexed player, uint64 amount)',
  'error NotOpen(bytes32 caseId)',
  'error AnswerWindowOpen(bytes32 caseId, uint64 answerBy)',
  'error CaseExists(bytes32 caseId)',
]);

export const coinBalanceAbi = new Interface(['function balanceOf(address account, uint256 id) view returns (uint256)']);

export const courtAt = (address: string, runner: ContractRunner): Contract => new Contract(address, courtAbi, runner);

/** The court's `Receipt` argument: the receipt's EIP-712 message with its bytes32 fields as 0x hex. */
export function courtReceipt(r: ReceiptRecord): Record<string, unknown> {
  if (r.rulesHash === undefined || r.revealDeadline === undefined || r.maxPayout === undefined) throw new Error('the receipt carries no court terms');
  return { ...receiptMessage(r), prevHash: '0x' + r.prev, commitments: r.commitments.map((c) => '0x' + c), rulesHash: '0x' + r.rulesHash };
}

/** The player's `CourtReveal(bytes32 receipt)` signature (EIP-712, domain Fairplay 2), by the player's own key. */
export function signCourtRevealIndependently(wallet: Wallet, r: ReceiptRecord): Promise<string> {
  return wallet.signTypedData({ name: 'Fairplay', version: '2' }, { CourtReveal: [{ name: 'receipt', type: 'bytes32' }] }, { receipt: '0x' + bytesToHex(receiptDigest(r)) });
}

/** Takes a receipt to the court from the player's wallet: the case id (64 hex), its answerBy and the transaction's receipt (gas). */
export async function revealToCourt(court: string, wallet: Wallet, r: ReceiptRecord, seed: string): Promise<{ caseId: string; answerBy: number; tx: TransactionReceipt }> {
  const playerSignature = await signCourtRevealIndependently(wallet, r);
  const sent = await courtAt(court, wallet).getFunction('reveal')(courtReceipt(r), r.signature, playerSignature, '0x' + seed);
  const tx = (await sent.wait()) as TransactionReceipt;
  const event = tx.logs.map((l) => courtAbi.parseLog(l)).find((e) => e?.name === 'Revealed');
  if (!event) throw new Error('the reveal emitted no Revealed event');
  return { caseId: (event.args.getValue('caseId') as string).slice(2), answerBy: Number(event.args.getValue('answerBy')), tx };
}

/** `cases(id).status`: 0 none, 1 revealed, 2 answered, 3 claimed. */
export async function caseStatus(court: Contract, caseId: string): Promise<number> {
  return Number(((await court.getFunction('cases')('0x' + caseId)) as { status: bigint }).status);
}

/** Moves the chain's clock past `timestamp` (seconds) and seals a block there. */
export async function passTime(provider: JsonRpcProvider, timestamp: number): Promise<void> {
  const now = (await provider.getBlock('latest'))!.timestamp;
  if (now <= timestamp) await provider.send('evm_increaseTime', [timestamp - now + 1]);
  await provider.send('evm_mine', []);
}

/** Gives an address 1 ether from the node (anvil). */
export async function fund(provider: JsonRpcProvider, address: string): Promise<void> {
  await provider.send('anvil_setBalance', [address, '0xde0b6b3a7640000']);
}
