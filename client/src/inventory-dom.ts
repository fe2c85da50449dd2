/**
 * The one DOM helper the inventory's modules share: an element with its properties and children.
 * @module
 */

/** `document.createElement(tag)` with `props` assigned and `children` appended. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Readonly<Record<string, unknown>> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children);
  return e;
}

/** An address as 0x1234…abcd, with the whole of it in a title and a button that copies it. */
export function shortAddress(address: string, className = 'address'): HTMLElement {
  const code = el('code', { className, title: address, textContent: `${address.slice(0, 6)}…${address.slice(-4)}` });
  code.dataset['full'] = address;
  const copy = el('button', { type: 'button', className: 'secondary copy', textContent: 'Copy' });
  copy.setAttribute('aria-label', `Copy the address ${address}`);
  copy.onclick = () =>
    void navigator.clipboard.writeText(address).then(
      () => (copy.textContent = 'Copied'),
      () => (copy.textContent = 'Select and copy it'),
    );
  return el('span', { className: 'short-address' }, code, ' ', copy);
}
