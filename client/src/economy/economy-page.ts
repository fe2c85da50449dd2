/**
 * The economy page (`/economy`): reads `GET /economy` and `/health`'s coin reconciliation and
 * draws each chart with its table, then the lists (gas per player, top earners).
 * @module
 */
import { chartCard } from './economy-chart.ts';
import { capChart, flowsChart, gasChart, houseChart, supplyChart } from './economy-charts.ts';
import { amount, shortAddress } from './economy-format.ts';
import type { CoinReconciliation, EconomyReport } from './economy-types.ts';

const byId = (id: string): HTMLElement => document.getElementById(id)!;

function listCard(parent: HTMLElement, id: string, title: string, about: string, head: readonly string[], rows: readonly (readonly string[])[], empty: string): void {
  const card = document.createElement('section');
  card.className = 'card';
  card.id = id;
  card.setAttribute('aria-labelledby', `${id}-title`);
  card.innerHTML = `<h2 id="${id}-title"></h2><p class="muted small"></p>`;
  card.querySelector('h2')!.textContent = title;
  card.querySelector('p')!.textContent = about;
  if (rows.length === 0) {
    const p = document.createElement('p');
    p.textContent = empty;
    card.append(p);
  } else {
    const table = document.createElement('table');
    const tr = table.createTHead().insertRow();
    for (const h of head) {
      const th = document.createElement('th');
      th.scope = 'col';
      th.textContent = h;
      tr.append(th);
    }
    const body = table.createTBody();
    for (const row of rows) {
      const r = body.insertRow();
      for (const cell of row) r.insertCell().textContent = cell;
    }
    card.append(table);
  }
  parent.append(card);
}

function reconciliationText(c: CoinReconciliation | undefined): string {
  if (!c) return 'The server did not say.';
  if (c.reconciled === null) return `Not checked: ${c.why ?? 'no reason given'}.`;
  const figures = `${amount(c.coinSupply ?? 0, 'coin')} exist on the blockchain; cash-outs minted ${amount(c.withdrawn ?? 0, 'coin')}, deposits burned ${amount(c.deposited ?? 0, 'coin')}, and the house issued ${amount(c.houseIssued ?? 0, 'coin')} otherwise (court bonds ${amount(c.courtBonds ?? 0, 'coin')}, coin awards from before cash-outs ${amount(c.otherAwards ?? 0, 'coin')}).`;
  const chips = c.chips
    ? ` In chips: deposits credited less cash-outs taken come to ${amount(c.chips.netDepositChips, 'chip')}, against ${amount(c.chips.depositCoins, 'coin')} deposited less ${amount(c.chips.withdrawalCoins, 'coin')} cashed out${c.chips.agree ? '' : ' — these do NOT agree'}.`
    : '';
  if (c.reconciled) return `The coins add up. ${figures}${chips}`;
  return c.difference ? `The coins do NOT add up (off by ${amount(c.difference, 'coin')}). ${figures}${chips}` : `The chips do NOT add up with the coins' books. ${figures}${chips}`;
}

async function main(): Promise<void> {
  const status = byId('economy-status');
  const [report, health] = await Promise.all([
    fetch('/economy', { headers: { accept: 'application/json' } }).then(async (r) => (r.ok ? ((await r.json()) as EconomyReport) : Promise.reject(new Error(`the server answered ${r.status}`)))),
    fetch('/health').then((r) => r.json() as Promise<{ economy?: CoinReconciliation }>).catch(() => undefined),
  ]);
  byId('bonus-rule').textContent = report.bonusRule.text;
  byId('reconciliation').textContent = reconciliationText(health?.economy);
  const charts = byId('charts');
  for (const spec of [supplyChart(report), flowsChart(report), capChart(report), houseChart(report), gasChart(report)]) chartCard(charts, spec);
  const tables = byId('tables');
  listCard(
    tables,
    'gas-by-player',
    'Gas per player',
    'The players whose awards cost the most gas to mint: each transaction’s gas shared evenly among the awards it carried.',
    ['player', 'awards', 'gas', 'gas per award'],
    report.gas.byPlayer.map((p) => [shortAddress(p.address), String(p.awards), Math.round(p.gas).toLocaleString('en'), p.gasPerAward === null ? '–' : Math.round(p.gasPerAward).toLocaleString('en')]),
    'No award minted with known gas yet.',
  );
  listCard(tables, 'top-winners', 'Top earners: chips won', 'Chips won from play, less chips lost (no bonus, deposits or cash-outs).', ['player', 'chips won'], report.topEarners.byChipsWon.map((w) => [shortAddress(w.address), amount(w.chips, 'chip')]), 'No bets yet.');
  listCard(tables, 'top-cash-outs', 'Top earners: coins cashed out', 'Coins each player took out of the game.', ['player', 'cash-outs', 'coins'], report.topEarners.byCoinsCashedOut.map((w) => [shortAddress(w.address), String(w.count), amount(w.coins, 'coin')]), 'No cash-outs yet.');
  status.textContent = `Figures as of ${new Date(report.generatedAt).toLocaleTimeString('en')} (refreshed at most every 10 seconds).${report.chainError ? ` ${report.chainError}.` : ''}`;
  byId('economy').setAttribute('aria-busy', 'false');
  document.body.dataset['ready'] = 'true';
}

main().catch((e: unknown) => {
  byId('economy-status').textContent = `The figures could not be loaded: ${(e as Error).message}`;
  byId('economy').setAttribute('aria-busy', 'false');
  document.body.dataset['ready'] = 'error';
});
