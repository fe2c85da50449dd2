/**
 * Sends ERC-1155 tokens from the player to an address they typed: `safeTransferFrom` on
 * GameAssets, signed by the browser key (sent as a raw transaction through the server's
 * endpoint, gas money from the faucet) or by the player's wallet. Loaded only when the player
 * sends (a dynamic import), so the page's first bundle does not carry the contract code.
 * @module
 */
import { Contract } from 'ethers';
import { ensureGas, playerSender, readProvider, type RpcChain } from './chain-gas.ts';
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

/** What the send is doing now; `txHash` once the transaction is sent. */
export type Progress = (message: string, txHash?: string) => void;

/** Sends `transfer` from the signed-in player; resolves with the mined transaction's hash, or throws a sentence. */
export async function sendTokens(chain: RpcChain, session: Session, transfer: Transfer, progress: Progress): Promise<string> {
  const provider = readProvider(chain);
  try {
    const sender = await playerSender(session, provider);
    if (session.signer.kind !== 'local') {
      // A wallet signs on whatever chain it is set to: the transfer must go to this one.
      const walletChain = (await sender.provider?.getNetwork())?.chainId;
      if (walletChain !== undefined && walletChain !== BigInt(chain.chainId))
        throw new Error(`Your wallet is on chain ${walletChain}; switch it to chain ${chain.chainId} (RPC URL ${chain.rpcUrl}) and send again.`);
    }
    const contract = new Contract(transfer.contract, ASSETS_ABI, sender);
    const args = [session.address, transfer.to, transfer.tokenId, transfer.amount, '0x'] as const;
    progress('Checking the transfer with the chain…');
    const gas = await contract.getFunction('safeTransferFrom').estimateGas(...args).catch((e: Error) => {
      throw new Error(`The chain would refuse this transfer: ${refusalOf(contract, e)}.`);
    });
    if (session.signer.kind === 'local') {
      progress('Getting a little ether from the server to pay the transaction fee…');
      await ensureGas(session, provider, gas * ((await provider.getFeeData()).maxFeePerGas ?? 2_000_000_000n));
      progress('Signing and sending the transfer…');
    } else progress('Confirm the transfer in your wallet…');
    const tx = await contract.getFunction('safeTransferFrom')(...args, { gasLimit: (gas * 12n) / 10n });
    progress('Sent; waiting for the chain to include it…', tx.hash as string);
    const mined = await tx.wait();
    if (!mined || mined.status !== 1) throw new Error(`The transfer ${tx.hash} failed on the chain; your tokens did not move.`);
    return tx.hash as string;
  } finally {
    provider.destroy();
  }
}

function refusalOf(contract: Contract, e: Error): string {
  // ethers puts the revert data on the error, or, from some endpoints, on the JSON-RPC error inside it.
  const data = (e as { data?: string }).data ?? (e as { info?: { error?: { data?: string } } }).info?.error?.data;
  const parsed = typeof data === 'string' ? contract.interface.parseError(data) : null;
  if (parsed) return REFUSALS[parsed.name] ?? parsed.name;
  return (e as { shortMessage?: string }).shortMessage ?? e.message;
}
