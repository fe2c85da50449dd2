/**
 * Sends ERC-1155 tokens from the player to an address they typed: `safeTransferFrom` on
 * GameAssets, signed by the browser key (sent as a raw transaction through the server's
 * endpoint, gas money from the faucet) or by the player's wallet. Loaded only when the player
 * sends (a dynamic import), so the page's first bundle does not carry the contract code.
 * @module
 */
import type { RpcChain } from './chain-gas.ts';
import { sendPlayerCall, type Progress } from './player-tx.ts';
import type { Session } from './session.ts';

/** GameAssets' members a transfer uses, and OpenZeppelin 5's ERC-1155 errors to name a refusal. */
const ASSETS_ABI = [
  'function safeTransferFrom(address from, address to, uint256 id, uint256 value, bytes data)',
  'error ERC1155InsufficientBalance(address sender, uint256 balance, uint256 needed, uint256 tokenId)',
  'error ERC1155InvalidReceiver(address receiver)',
  'error ERC1155InvalidSender(address sender)',
  'error ERC1155MissingApprovalForAll(address operator, address owner)',
] as const;

/** Why the contract refuses, in words, for the errors a player can meet. */
const REFUSALS: Readonly<Record<string, string>> = {
  ERC1155InsufficientBalance: 'you hold fewer of this token than that on the chain now (a send may still be under way)',
  ERC1155InvalidReceiver: 'that address is a contract that does not accept ERC-1155 tokens, so they would be stuck there',
  ERC1155InvalidSender: 'the tokens cannot be sent from this address',
  ERC1155MissingApprovalForAll: 'this key may not move these tokens',
};

export interface Transfer {
  readonly contract: string;
  readonly to: string;
  readonly tokenId: number;
  readonly amount: bigint;
}

export type { Progress };

/** Sends `transfer` from the signed-in player; resolves with the mined transaction's hash, or throws a sentence. */
export function sendTokens(chain: RpcChain, session: Session, transfer: Transfer, progress: Progress): Promise<string> {
  const args = [session.address, transfer.to, transfer.tokenId, transfer.amount, '0x'] as const;
  return sendPlayerCall(chain, session, { contract: transfer.contract, abi: ASSETS_ABI, method: 'safeTransferFrom', args, noun: 'transfer', unmoved: 'your tokens', refusals: REFUSALS }, progress);
}
