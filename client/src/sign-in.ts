/**
 * Who the player is: an injected wallet (EIP-1193, `window.ethereum`) when the browser has one,
 * else a key kept in this browser's storage. Either signs the server's Sign-In-with-Ethereum
 * message; the signed message is the token rooms check. The message names a fresh session key
 * (protocol v2) which then signs the player's draw requests without asking.
 * @module
 */
import { getAddress, Signature, TypedDataEncoder, Wallet, hexlify, toUtf8Bytes } from 'ethers';
import type { TypedDataSigner } from '../../vrf/protocol/authorization.ts';
import { buildSignInMessage, encodeSignInToken } from '../../vrf/protocol/sign-in-message.ts';
import { getJson } from './api.ts';

export interface PlayerSigner extends TypedDataSigner {
  readonly address: string;
  readonly kind: 'wallet' | 'local';
  signMessage(message: string): Promise<string>;
}

interface Eip1193 {
  request(args: { method: string; params?: unknown[] }): Promise<unknown>;
}

const LOCAL_KEY = 'fairplay.localKey';

export function hasInjectedWallet(): boolean {
  return typeof (window as { ethereum?: Eip1193 }).ethereum?.request === 'function';
}

/**
 * The injected wallet's account. `eth_requestAccounts` may ask the player to connect;
 * `eth_accounts` (for a reload) never asks and answers only an account already connected.
 */
export async function injectedSigner(method: 'eth_requestAccounts' | 'eth_accounts' = 'eth_requestAccounts'): Promise<PlayerSigner> {
  const ethereum = (window as { ethereum?: Eip1193 }).ethereum!;
  const [account] = (await ethereum.request({ method })) as string[];
  if (!account) throw new Error('the wallet shared no account');
  // Wallets often answer lowercase; the server and the room state use EIP-55.
  const address = getAddress(account);
  return {
    address,
    kind: 'wallet',
    signMessage: async (message) => (await ethereum.request({ method: 'personal_sign', params: [hexlify(toUtf8Bytes(message)), address] })) as string,
    // Only when a draw has no session key to sign it (the page always makes one at sign-in).
    // Some wallets answer v as 0/1: the serialised form is the 27/28 one receipts hold.
    signTypedData: async (domain, types, value) =>
      Signature.from(
        (await ethereum.request({ method: 'eth_signTypedData_v4', params: [address, JSON.stringify(TypedDataEncoder.getPayload(domain, types, value))] })) as string,
      ).serialized,
  };
}

/** The key this browser keeps (created on first use). Anyone with access to this browser profile can use it. */
export function localSigner(): PlayerSigner {
  let key = localStorage.getItem(LOCAL_KEY);
  if (!key) {
    key = Wallet.createRandom().privateKey;
    localStorage.setItem(LOCAL_KEY, key);
  }
  const wallet = new Wallet(key);
  return { address: wallet.address, kind: 'local', signMessage: (m) => wallet.signMessage(m), signTypedData: (d, t, v) => wallet.signTypedData(d, t, v) };
}

/** The key this browser already keeps, if any (a reload must not make a new identity). */
export function existingLocalSigner(): PlayerSigner | undefined {
  return localStorage.getItem(LOCAL_KEY) ? localSigner() : undefined;
}

export function exportLocalKey(): string | undefined {
  return localStorage.getItem(LOCAL_KEY) ?? undefined;
}

/** How long a sign-in's delegation to its session key lasts. */
const SESSION_VALIDITY_MS = 24 * 60 * 60 * 1000;

/**
 * Signs a fresh server nonce; the result is a room join token, good for one join (the server
 * takes each nonce once). The message delegates the player's draw requests to `sessionKey`; one
 * naming none proves the address alone (the faucet's token).
 */
export async function signIn(signer: PlayerSigner, sessionKey?: string): Promise<string> {
  const { nonce, issuedAt, domain, uri, chainId } = await getJson<{ nonce: string; issuedAt: string; domain: string; uri: string; chainId: number }>('/auth/nonce');
  // Stamped with the server's clock, valid for a day of play: the delegation to the session key
  // must cover every draw it signs (FAIRNESS.md section 5a).
  const start = new Date(issuedAt);
  const message = buildSignInMessage({ domain, uri, chainId, address: signer.address, nonce, ...(sessionKey ? { sessionKey } : {}), issuedAt: start, expirationTime: new Date(start.getTime() + SESSION_VALIDITY_MS) });
  return encodeSignInToken(message, await signer.signMessage(message));
}
