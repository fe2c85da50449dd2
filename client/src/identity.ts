/**
 * Who is signed in, in the header: the address shortened to 0x1234…abcd (the whole of it in the
 * title, and in `data-address`, which tests read), what signs for it, and a button that copies the
 * full address; "copied" is said to screen readers through the live region.
 * @module
 */
import { announce } from './announce.ts';

/** `0x1234…abcd`: the first 6 and last 4 characters, as wallets show an address. */
export function shortAddress(address: string): string {
  return address.length > 12 ? `${address.slice(0, 6)}…${address.slice(-4)}` : address;
}

/** Shows `address` in `box` (`#identity`), with its kind and a copy button. */
export function showIdentity(box: HTMLElement, address: string, kind: 'wallet' | 'local'): void {
  box.dataset['address'] = address;
  box.classList.remove('muted');
  const shown = Object.assign(document.createElement('span'), { textContent: shortAddress(address), title: address });
  const what = Object.assign(document.createElement('span'), { className: 'kind muted', textContent: `(${kind === 'wallet' ? 'wallet' : 'browser key'})` });
  const copy = Object.assign(document.createElement('button'), { id: 'copy-address', type: 'button', className: 'icon', textContent: 'Copy' });
  copy.setAttribute('aria-label', 'Copy your full address');
  copy.onclick = async () => {
    try {
      await navigator.clipboard.writeText(address);
      copy.textContent = 'Copied';
      announce('Your address was copied.');
    } catch {
      // No clipboard (an insecure origin, or permission refused): select it for the player to copy.
      shown.textContent = address;
      getSelection()?.selectAllChildren(shown);
      announce('Your address could not be copied automatically: it is shown in full and selected.');
    }
    setTimeout(() => (copy.textContent = 'Copy'), 2000);
  };
  box.replaceChildren(shown, ' ', what, copy);
}
