/**
 * "Send to my wallet" on a token card: an address and an amount, checked here in words before
 * anything is signed (a well-formed address, its capitals right if it has any, not the zero
 * address nor the contract itself; a whole amount from 1 to what the player holds), then sent
 * by token-transfer.ts (loaded on first use) with its progress and the transaction's link. A
 * wallet user is told how to see the tokens in their wallet.
 * @module
 */
import { getAddress } from 'ethers';
import type { RpcChain } from './chain-gas.ts';
import { countOf, plural, tokenName } from './inventory-names.ts';
import { el } from './inventory-dom.ts';
import type { Session } from './session.ts';

const ZERO = '0x0000000000000000000000000000000000000000';

/** What a send needs to know beyond the form. */
export interface SendContext {
  readonly session: Session;
  readonly chain: RpcChain;
  readonly contract: string;
  readonly tokenId: number;
  /** What the player holds on the chain now. */
  held(): bigint;
  /** Called after a transfer is mined, to read the balances again. */
  sent(): void;
}

/** The transfer the form asks for, or why it cannot be, as a sentence. */
export function checkTransfer(addressText: string, amountText: string, c: Pick<SendContext, 'contract' | 'tokenId'> & { held: bigint; from: string }): { to: string; amount: bigint } | { problem: string } {
  const typed = addressText.trim();
  if (!typed) return { problem: 'Type the address to send to: 0x followed by 40 hexadecimal digits, as your wallet shows it.' };
  if (!/^0x[0-9a-fA-F]{40}$/.test(typed)) return { problem: `An address is 0x followed by 40 hexadecimal digits (0–9 and a–f); "${typed.slice(0, 60)}" is not one.` };
  let to: string;
  try {
    // All in small letters is taken as typed; mixed capitals must be the address's checksum (EIP-55).
    to = getAddress(typed === typed.toLowerCase() || typed.slice(2) === typed.slice(2).toUpperCase() ? typed.toLowerCase() : typed);
  } catch {
    return { problem: 'This address has a mistake: its capital letters do not match its checksum. Copy it again from your wallet, or type it all in small letters.' };
  }
  if (to === ZERO) return { problem: 'That is the zero address: tokens sent there are lost for ever.' };
  if (to.toLowerCase() === c.contract.toLowerCase()) return { problem: 'That is the GameAssets contract itself: tokens sent there could not be taken out again.' };
  if (to.toLowerCase() === c.from.toLowerCase()) return { problem: 'That is the address you are signed in with: the tokens are already there.' };
  const name = plural(tokenName(c.tokenId));
  if (!/^\s*\d+\s*$/.test(amountText)) return { problem: `Send a whole number of ${name}, 1 or more.` };
  const amount = BigInt(amountText.trim());
  if (amount < 1n) return { problem: `Send at least 1 ${tokenName(c.tokenId)}.` };
  if (amount > c.held) return { problem: `You hold ${countOf(c.tokenId, c.held)}, so you cannot send ${amount.toLocaleString('en-US')}.` };
  return { to, amount };
}

/** The folded send form of one token card. */
export function sendForm(c: SendContext): HTMLDetailsElement {
  const id = `send-${c.tokenId}`;
  const address = el('input', { id: `${id}-to`, name: 'to', type: 'text', autocomplete: 'off', spellcheck: false, placeholder: '0x…', className: 'send-to' });
  const amount = el('input', { id: `${id}-amount`, name: 'amount', type: 'number', min: '1', step: '1', value: '1', inputMode: 'numeric', className: 'send-amount' });
  const button = el('button', { type: 'submit', textContent: 'Send' });
  const status = el('p', { className: 'send-status', role: 'status' });
  status.setAttribute('aria-live', 'polite');
  const form = el(
    'form',
    { className: 'send-form', noValidate: true },
    el('label', { htmlFor: address.id, textContent: 'Your wallet address ' }, address),
    el('label', { htmlFor: amount.id, textContent: `How many ${plural(tokenName(c.tokenId))} ` }, amount),
    button,
    status,
  );
  const say = (text: string, state: 'working' | 'done' | 'refused', txHash?: string) => {
    status.dataset['state'] = state;
    status.replaceChildren(text);
    if (txHash) status.append(' ', el('a', { href: `/tx/${txHash}`, target: '_blank', rel: 'noopener', className: 'send-tx', textContent: 'See the transaction' }));
  };
  form.onsubmit = async (event) => {
    event.preventDefault();
    const checked = checkTransfer(address.value, amount.value, { contract: c.contract, tokenId: c.tokenId, held: c.held(), from: c.session.address });
    if ('problem' in checked) return say(checked.problem, 'refused');
    button.disabled = true;
    let hash: string | undefined;
    try {
      const { sendTokens } = await import('./token-transfer.ts');
      await sendTokens(c.chain, c.session, { contract: c.contract, to: checked.to, tokenId: c.tokenId, amount: checked.amount }, (message, txHash) => {
        hash = txHash ?? hash;
        say(message, 'working', hash);
      });
      say(`Sent ${countOf(c.tokenId, checked.amount)} to ${checked.to}.`, 'done', hash);
      c.sent();
    } catch (e) {
      const message = (e as Error).message || String(e);
      say(/[.!?]$/.test(message) ? message : `The transfer did not go through: ${message}.`, 'refused', hash);
    } finally {
      button.disabled = false;
    }
  };
  const parts: Node[] = [el('summary', { textContent: 'Send to my wallet' }), form];
  if (c.session.signer.kind !== 'local') parts.push(walletHelp(c));
  return el('details', { className: 'token-send' }, ...parts);
}

/** How a wallet user sees the tokens: import the contract and id as an NFT, on this chain. */
function walletHelp(c: SendContext): HTMLElement {
  return el(
    'div',
    { className: 'wallet-help small' },
    el('p', { textContent: 'See it in your wallet: your wallet lists these tokens once you add them. In MetaMask, open NFTs, choose "Import NFT", and enter:' }),
    el(
      'dl',
      {},
      el('dt', { textContent: 'Address (contract)' }),
      el('dd', {}, el('code', { textContent: c.contract })),
      el('dt', { textContent: 'Token ID' }),
      el('dd', {}, el('code', { textContent: String(c.tokenId) })),
      el('dt', { textContent: 'Network' }),
      el('dd', { textContent: `chain id ${c.chain.chainId}, RPC URL ` }, el('code', { textContent: c.chain.rpcUrl })),
    ),
  );
}
