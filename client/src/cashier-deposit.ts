/**
 * "Deposit N coins into chips": `GameAssets.deposit(1, N)` burns the player's coins on the chain,
 * and the server credits them as chips once the chain confirms it. Signed by the browser key
 * (sent through the server's endpoint, gas money from the faucet) or by the player's wallet, as a
 * token send is (token-transfer.ts). Loaded on first use (a dynamic import).
 * @module
 */
import { Contract } from 'ethers';
import { ensureGas, playerSender, readProvider, type RpcChain } from './chain-gas.ts';
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
export async function depositCoins(chain: RpcChain, gameAssets: string, session: Session, coins: bigint, progress: (message: string, txHash?: string) => void): Promise<string> {
  const provider = readProvider(chain);
  try {
    const sender = await playerSender(session, provider);
    if (session.signer.kind !== 'local') {
      // A wallet signs on whatever chain it is set to: the deposit must go to this one.
      const walletChain = (await sender.provider?.getNetwork())?.chainId;
      if (walletChain !== undefined && walletChain !== BigInt(chain.chainId))
        throw new Error(`Your wallet is on chain ${walletChain}; switch it to chain ${chain.chainId} (RPC URL ${chain.rpcUrl}) and deposit again.`);
    }
    const contract = new Contract(gameAssets, DEPOSIT_ABI, sender);
    progress('Checking the deposit with the chain…');
    const gas = await contract.getFunction('deposit').estimateGas(COIN, coins).catch((e: Error) => {
      throw new Error(`The chain would refuse this deposit: ${refusalOf(contract, e)}.`);
    });
    if (session.signer.kind === 'local') {
      progress('Getting a little ether from the server to pay the transaction fee…');
      await ensureGas(session, provider, gas * ((await provider.getFeeData()).maxFeePerGas ?? 2_000_000_000n));
      progress('Signing and sending the deposit…');
    } else progress('Confirm the deposit in your wallet…');
    const tx = await contract.getFunction('deposit')(COIN, coins, { gasLimit: (gas * 12n) / 10n });
    progress('Sent; waiting for the chain to include it…', tx.hash as string);
    const mined = await tx.wait();
    if (!mined || mined.status !== 1) throw new Error(`The deposit ${tx.hash} failed on the chain; your coins did not move.`);
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
