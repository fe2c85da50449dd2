/**
 * `GET /tx/:hash`: a transaction on the server's chain as a small HTML page, the explorer the
 * inventory links to (an embedded chain has no public one). It shows the block, sender,
 * recipient, status and gas used, and each ERC-1155 TransferSingle / TransferBatch log decoded
 * into token, from, to and amount. Read through the server's own provider; every value written
 * into the page is escaped. A malformed hash is refused with 400, an unknown one with 404, each
 * in words.
 * @module
 */
import { Interface, type JsonRpcProvider, type Log } from 'ethers';
import type { Request, Response } from 'express';
import { TOKENS } from './awards/tokens.ts';
import { services } from './services.ts';

/** The server's logger, when the services are up (a test may call the handler without them). */
const log = () => {
  try {
    return services().log;
  } catch {
    return undefined;
  }
};

/** The two ERC-1155 transfer events (mints are transfers from the zero address). */
const ERC1155_EVENTS = new Interface([
  'event TransferSingle(address indexed operator, address indexed from, address indexed to, uint256 id, uint256 value)',
  'event TransferBatch(address indexed operator, address indexed from, address indexed to, uint256[] ids, uint256[] values)',
]);

const TX_HASH = /^0x[0-9a-fA-F]{64}$/;
const ZERO = '0x0000000000000000000000000000000000000000';

/** One token moved by one log. */
export interface TokenTransfer {
  readonly contract: string;
  readonly tokenId: bigint;
  readonly from: string;
  readonly to: string;
  readonly amount: bigint;
}

/** Every ERC-1155 transfer in a receipt's logs, in log order (a batch gives one per token). */
export function tokenTransfers(logs: readonly Pick<Log, 'address' | 'topics' | 'data'>[]): TokenTransfer[] {
  return logs.flatMap((log) => {
    const parsed = (() => {
      try {
        return ERC1155_EVENTS.parseLog({ topics: [...log.topics], data: log.data });
      } catch {
        return null;
      }
    })();
    if (!parsed) return [];
    const { from, to } = parsed.args as unknown as { from: string; to: string };
    if (parsed.name === 'TransferSingle') return [{ contract: log.address, tokenId: parsed.args.getValue('id') as bigint, from, to, amount: parsed.args.getValue('value') as bigint }];
    const ids = parsed.args.getValue('ids') as bigint[];
    const values = parsed.args.getValue('values') as bigint[];
    return ids.map((tokenId, i) => ({ contract: log.address, tokenId, from, to, amount: values[i] ?? 0n }));
  });
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE = `:root{color-scheme:light dark;font-family:system-ui,sans-serif}body{max-width:52rem;margin:0 auto;padding:1rem;line-height:1.4}
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #8884;overflow-wrap:anywhere}
code{font-size:.9rem;overflow-wrap:anywhere}.ok{color:#1a7f37;font-weight:700}.fail{color:#cf222e;font-weight:700}`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body><p><a href="/">← back to the game</a></p><main>${body}</main></body></html>`;
}

function refuse(res: Response, status: number, title: string, sentence: string): void {
  res.status(status).type('html').send(page(title, `<h1>${escapeHtml(title)}</h1><p id="tx-error">${escapeHtml(sentence)}</p>`));
}

const who = (address: string, gameAssets: string): string =>
  address.toLowerCase() === ZERO ? 'nobody (new tokens minted)' : address.toLowerCase() === gameAssets.toLowerCase() ? `${address} (the GameAssets contract)` : address;

const tokenName = (id: bigint): string => TOKENS.get(Number(id))?.name ?? `token ${id}`;

/** The Express handler of `GET /tx/:hash` over `provider`; `gameAssets` is named where it appears. */
export function serveTxPage(provider: JsonRpcProvider, gameAssets: string) {
  return async (req: Request, res: Response): Promise<void> => {
    const hash = String(req.params['hash']);
    if (!TX_HASH.test(hash))
      return refuse(res, 400, 'Not a transaction hash', `A transaction hash is 0x followed by 64 hexadecimal digits; "${hash.slice(0, 80)}" is not one.`);
    let tx, receipt;
    try {
      [tx, receipt] = await Promise.all([provider.getTransaction(hash), provider.getTransactionReceipt(hash)]);
    } catch (err) {
      // The error stays in the log: ethers' messages carry the request URL, and an RPC URL may hold an API key.
      log()?.warn({ err, hash }, 'the tx page could not read the chain');
      return refuse(res, 503, 'The chain did not answer', `The chain did not answer, so transaction ${hash} cannot be shown now. Try again in a moment.`);
    }
    if (!tx) return refuse(res, 404, 'No such transaction', `The chain knows no transaction ${hash}: it may be from another chain, or not yet sent.`);
    const status = !receipt ? 'waiting to be mined' : receipt.status === 1 ? 'succeeded' : 'failed (reverted: nothing it did was kept)';
    const rows: [string, string][] = [
      ['Hash', hash],
      ['Block', tx.blockNumber === null ? 'not yet mined' : String(tx.blockNumber)],
      ['From', who(tx.from, gameAssets)],
      ['To', tx.to ? who(tx.to, gameAssets) : 'nobody (it created a contract)'],
      ['Status', status],
      ['Gas used', receipt ? `${receipt.gasUsed.toLocaleString('en-US')} gas` : 'not yet known'],
    ];
    const transfers = receipt ? tokenTransfers(receipt.logs) : [];
    const transferRows = transfers.map(
      (t) =>
        `<tr data-token-id="${t.tokenId}" data-amount="${t.amount}"><td>${escapeHtml(`${tokenName(t.tokenId)} (id ${t.tokenId})`)}</td><td><code>${escapeHtml(who(t.from, gameAssets))}</code></td><td><code>${escapeHtml(who(t.to, gameAssets))}</code></td><td>${t.amount}</td></tr>`,
    );
    const statusClass = receipt?.status === 1 ? 'ok' : receipt ? 'fail' : '';
    res.type('html').send(
      page(
        `Transaction ${hash.slice(0, 10)}…`,
        `<h1>Transaction</h1><table id="tx-facts">${rows
          .map(([k, v]) => `<tr><th scope="row">${k}</th><td${k === 'Status' && statusClass ? ` class="${statusClass}"` : ''}><code>${escapeHtml(v)}</code></td></tr>`)
          .join('')}</table>
<h2>Token transfers</h2>${
          transferRows.length
            ? `<table id="tx-transfers"><thead><tr><th>token</th><th>from</th><th>to</th><th>amount</th></tr></thead><tbody>${transferRows.join('')}</tbody></table>`
            : '<p id="tx-transfers">This transaction moved no ERC-1155 tokens.</p>'
        }`,
      ),
    );
  };
}
