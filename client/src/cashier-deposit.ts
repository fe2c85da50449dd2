/**
 * "Deposit N coins into chips": `GameAssets.deposit(1, N)` burns the player's coins on the chain,
 * and the server credits them as chips once the chain confirms it. Signed by the browser key
 * (sent through the server's endpoint, gas money from the faucet) or by the player's wallet, as a
 * token send is (token-transfer.ts). Loaded on first use (a dynamic import).
 * @module
 */
import type { RpcChain } from './chain-gas.ts';
import { sendPlayerCall, type Progress } from './player-tx.ts';
import type { Session } from './session.ts';

const COIN = 1;

const DEPOSIT_ABI = [
  'function deposit(uint256 id, uint256 amount)',
  'error NotDepositable(uint256 id)',
  'error ZeroDeposit()',
  'error ERC1155InsufficientBalance(address sender, uint256 balance, uint256 needed, uint256 tokenId)',
] as const;

const REFUSALS: Readonly<Record<string, string>> = {
  NotDepositable: 'this server does not take coin deposits now',
  ZeroDeposit: 'a deposit must be 1 coin or more',
  ERC1155InsufficientBalance: 'you hold fewer coins than that on the chain now (a send may still be under way)',
};

/** Burns `coins` of the player's coins into the game; resolves with the mined transaction's hash, or throws a sentence. */
export function depositCoins(chain: RpcChain, gameAssets: string, session: Session, coins: bigint, progress: Progress): Promise<string> {
  return sendPlayerCall(chain, session, { contract: gameAssets, abi: DEPOSIT_ABI, method: 'deposit', args: [COIN, coins], noun: 'deposit', unmoved: 'your coins', refusals: REFUSALS }, progress);
}
