/**
 * One GameAssets call sent by the signed-in player, as the inventory's send and the cashier's
 * deposit make it: checked with the chain first (a refusal named in words), signed by the browser
 * key (sent through the server's endpoint, gas money from the faucet) or by the player's wallet
 * (which must be on this chain), and waited for until mined.
 * @module
 */
import { Contract, type InterfaceAbi } from 'ethers';
import { ensureGas, playerSender, readProvider, type RpcChain } from './chain-gas.ts';
import type { Session } from './session.ts';

/** What the call is doing now; `txHash` once the transaction is sent. */
export type Progress = (message: string, txHash?: string) => void;

export interface PlayerCall {
  readonly contract: string;
  readonly abi: InterfaceAbi;
  readonly method: string;
  readonly args: readonly unknown[];
  /** The call in words ("deposit", "transfer"), and what did not move if it fails ("your coins"). */
  readonly noun: string;
  readonly unmoved: string;
  /** Why the contract refuses, in words, by custom error name. */
  readonly refusals: Readonly<Record<string, string>>;
}

/** Sends `call` from the signed-in player; resolves with the mined transaction's hash, or throws a sentence. */
export async function sendPlayerCall(chain: RpcChain, session: Session, call: PlayerCall, progress: Progress): Promise<string> {
  const provider = readProvider(chain);
  try {
    const sender = await playerSender(session, provider);
    if (session.signer.kind !== 'local') {
      // A wallet signs on whatever chain it is set to: the call must go to this one.
      const walletChain = (await sender.provider?.getNetwork())?.chainId;
      if (walletChain !== undefined && walletChain !== BigInt(chain.chainId))
        throw new Error(`Your wallet is on chain ${walletChain}; switch it to chain ${chain.chainId} (RPC URL ${chain.rpcUrl}) and try the ${call.noun} again.`);
    }
    const contract = new Contract(call.contract, call.abi, sender);
    progress(`Checking the ${call.noun} with the chain…`);
    const gas = await contract.getFunction(call.method).estimateGas(...call.args).catch((e: Error) => {
      throw new Error(`The chain would refuse this ${call.noun}: ${refusalOf(contract, e, call.refusals)}.`);
    });
    if (session.signer.kind === 'local') {
      progress('Getting a little ether from the server to pay the transaction fee…');
      await ensureGas(session, provider, gas * ((await provider.getFeeData()).maxFeePerGas ?? 2_000_000_000n));
      progress(`Signing and sending the ${call.noun}…`);
    } else progress(`Confirm the ${call.noun} in your wallet…`);
    const tx = await contract.getFunction(call.method)(...call.args, { gasLimit: (gas * 12n) / 10n });
    progress('Sent; waiting for the chain to include it…', tx.hash as string);
    const mined = await tx.wait();
    if (!mined || mined.status !== 1) throw new Error(`The ${call.noun} ${tx.hash} failed on the chain; ${call.unmoved} did not move.`);
    return tx.hash as string;
  } finally {
    provider.destroy();
  }
}

function refusalOf(contract: Contract, e: Error, refusals: Readonly<Record<string, string>>): string {
  // ethers puts the revert data on the error, or, from some endpoints, on the JSON-RPC error inside it.
  const data = (e as { data?: string }).data ?? (e as { info?: { error?: { data?: string } } }).info?.error?.data;
  const parsed = typeof data === 'string' ? contract.interface.parseError(data) : null;
  if (parsed) return refusals[parsed.name] ?? parsed.name;
  return (e as { shortMessage?: string }).shortMessage ?? e.message;
}
