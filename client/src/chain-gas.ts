/**
 * What every transaction the page sends needs: a provider over the server's JSON-RPC endpoint
 * (`/fairness` chain.rpcUrl: reads and eth_sendRawTransaction only), the player's sender (the
 * browser key over that endpoint, or the wallet), and gas money for a browser key, which starts
 * with no ether: on the embedded chain the server's faucet (`POST /chain/fund`) gives it enough,
 * once a day. Shared by the court's calls (court-actions.ts) and token transfers (token-transfer.ts).
 * @module
 */
import { BrowserProvider, JsonRpcProvider, Wallet, type Signer } from 'ethers';
import type { Session } from './session.ts';
import { exportLocalKey, signIn } from './sign-in.ts';

/** The chain as /fairness names it: the server's endpoint and the chain id. */
export interface RpcChain {
  readonly rpcUrl: string;
  readonly chainId: string;
}

export function readProvider(chain: RpcChain): JsonRpcProvider {
  const provider = new JsonRpcProvider(chain.rpcUrl, Number(chain.chainId), { staticNetwork: true, batchMaxCount: 1 });
  // A transaction's receipt is looked for every second, not ethers' default 4 s.
  provider.pollingInterval = 1000;
  return provider;
}

/** Who sends the player's transactions: the browser key over the server's endpoint, or the wallet. */
export async function playerSender(session: Session, provider: JsonRpcProvider): Promise<Signer> {
  if (session.signer.kind === 'local') {
    const key = exportLocalKey();
    if (!key) throw new Error('the browser key is gone from this browser');
    return new Wallet(key, provider);
  }
  const ethereum = (window as { ethereum?: ConstructorParameters<typeof BrowserProvider>[0] }).ethereum;
  if (!ethereum) throw new Error('the wallet is not there any more');
  return new BrowserProvider(ethereum).getSigner(session.address);
}

/**
 * Asks the faucet for gas money when the browser key holds less than twice `cost` (room for a
 * rising fee); throws, saying why, when it gets none and holds less than `cost` itself.
 */
export async function ensureGas(session: Session, provider: JsonRpcProvider, cost: bigint): Promise<void> {
  const balance = await provider.getBalance(session.address);
  if (balance >= cost * 2n) return;
  // A sign-in token of its own, naming no session key: the room's session key stays as it is.
  const token = await signIn(session.signer);
  const res = await fetch('/chain/fund', { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  if (res.ok || balance >= cost) return;
  const body = (await res.json().catch(() => ({}))) as { error?: string };
  throw new Error(`the browser key holds ${balance} wei, less than the ${cost} wei the transaction's gas may cost, and the server gave none (${body.error ?? `HTTP ${res.status}`}): send it some ether, or export the key to a wallet`);
}
