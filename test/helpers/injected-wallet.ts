/**
 * An EIP-1193 wallet injected into a browser context, as a browser extension would inject one:
 * it signs (personal_sign, eth_signTypedData_v4) and sends transactions with `wallet`, in the test
 * process, and answers every other request through the server's `/chain`, as a wallet's own node
 * would. The transactions it sent are listed in `sent`.
 */
import { getBytes, Wallet, type BaseWallet, type JsonRpcApiProvider } from 'ethers';
import type { Browser, BrowserContext } from 'playwright-core';
import { collectPageErrors } from './browser.ts';

export async function injectWallet(context: BrowserContext, wallet: BaseWallet): Promise<{ readonly sent: string[] }> {
  const sent: string[] = [];
  await context.exposeFunction('testWallet', async (method: string, params: unknown[]) => {
    if (method === 'personal_sign') return wallet.signMessage(getBytes(params[0] as string));
    if (method === 'eth_signTypedData_v4') {
      const { domain, types, message } = JSON.parse(params[1] as string) as { domain: Record<string, string>; types: Record<string, { name: string; type: string }[]>; message: Record<string, unknown> };
      const { EIP712Domain: _domain, ...rest } = types;
      return wallet.signTypedData(domain, rest, message);
    }
    // eth_sendTransaction: the wallet signs and sends on the chain the page named.
    const tx = params[0] as { to: string; data: string; gas?: string };
    const response = await wallet.sendTransaction({ to: tx.to, data: tx.data, ...(tx.gas ? { gasLimit: BigInt(tx.gas) } : {}) });
    sent.push(response.hash);
    return response.hash;
  });
  await context.addInitScript((address: string) => {
    const own = ['personal_sign', 'eth_signTypedData_v4', 'eth_sendTransaction'];
    (window as unknown as { ethereum: unknown }).ethereum = {
      request: async ({ method, params }: { method: string; params?: unknown[] }) => {
        if (method === 'eth_requestAccounts' || method === 'eth_accounts') return [address.toLowerCase()];
        if (own.includes(method)) return (window as unknown as { testWallet(m: string, p: unknown[]): Promise<string> }).testWallet(method, params ?? []);
        const res = await fetch('/chain', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params: params ?? [] }) });
        const body = (await res.json()) as { result?: unknown; error?: { message: string } };
        if (body.error) throw new Error(body.error.message);
        return body.result;
      },
    };
  }, wallet.address);
  return { sent };
}

/**
 * A player with a wallet of their own at a new dice table: a random wallet holding 1 ether on
 * `chain` (the server's node, for the test's own calls), injected into a fresh context of
 * `browser`, signed in with it at `url`, in a dice room it created.
 */
export async function walletAtDiceTable(browser: Browser, url: string, chain: JsonRpcApiProvider) {
  const wallet = Wallet.createRandom().connect(chain);
  // The wallet holds its own ether (no faucet for it) and sends its own transactions.
  await chain.send('anvil_setBalance', [wallet.address, '0xde0b6b3a7640000']);
  const context = await browser.newContext();
  const { sent } = await injectWallet(context, wallet);
  const page = await context.newPage();
  const errors = collectPageErrors(page);
  await page.goto(url);
  await page.click('#sign-in-wallet');
  await page.waitForSelector('#lobby:not([hidden])');
  await page.click('#create-dice');
  await page.waitForSelector('#dice:not([hidden])');
  return { wallet, sent, context, page, errors };
}
