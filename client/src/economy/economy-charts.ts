/**
 * The economy page's charts, each from its part of `GET /economy`: supply per token, cash-outs
 * and deposits per epoch, cap use per epoch, house profit against the published edge, gas per award.
 * @module
 */
import type uPlot from 'uplot';
import type { ChartSpec } from './economy-chart.ts';
import type { EconomyReport } from './economy-types.ts';
import { amount, dateTime, epochLabel, epochWords, percent } from './economy-format.ts';

/** Supply per token over time: one line per token with any supply. */
export function supplyChart(r: EconomyReport): ChartSpec {
  const tokens = r.supply.filter((t) => t.samples.some((s) => s.supply > 0));
  const times = [...new Set(tokens.flatMap((t) => t.samples.map((s) => s.at)))].sort((a, b) => a - b);
  const at = (t: (typeof tokens)[number], time: number) => t.samples.find((s) => s.at === time)?.supply ?? null;
  return {
    id: 'chart-supply',
    title: 'Tokens in circulation',
    description: 'How many of each token exist on the blockchain, sampled at each supply reading the server takes (every ECONOMY_SAMPLE_SECONDS, a minute by default). Coins are chips taken out (1 coin = 1 chip); items are raid finds.',
    x: { kind: 'time', values: times },
    yLabel: 'tokens',
    series: tokens.map((t) => ({ label: t.name, values: times.map((time) => at(t, time)) })),
    table: { head: ['time', ...tokens.map((t) => t.name)], rows: times.slice(-50).map((time) => [dateTime(time), ...tokens.map((t) => String(at(t, time) ?? '–'))]) },
    empty: 'No supply sampled yet.',
  };
}

/** Coins cashed out and deposited per epoch. */
export function flowsChart(r: EconomyReport): ChartSpec {
  return {
    id: 'chart-flows',
    title: 'Cash-outs and deposits per epoch',
    description: `Coins players cashed out (chips turned into coins) and deposited (coins turned back into chips), per epoch of ${epochWords(r.epochSeconds)}.`,
    x: { kind: 'time', values: r.flows.map((f) => f.startsAt) },
    yLabel: 'coins',
    series: [
      { label: 'cashed out (coins)', values: r.flows.map((f) => f.withdrawals.coins) },
      { label: 'deposited (coins)', values: r.flows.map((f) => f.deposits.coins) },
    ],
    table: {
      head: ['epoch starting', 'cash-outs', 'coins cashed out', 'deposits', 'coins deposited'],
      rows: r.flows.map((f) => [epochLabel(f.startsAt, r.epochSeconds), String(f.withdrawals.count), amount(f.withdrawals.coins, 'coin'), String(f.deposits.count), amount(f.deposits.coins, 'coin')]),
    },
    empty: 'No cash-outs or deposits yet.',
  };
}

/** The share of each token's epoch cap minted, per epoch. */
export function capChart(r: EconomyReport): ChartSpec {
  const epochs = r.capUse ?? [];
  const tokens = [...new Map(epochs.flatMap((e) => e.tokens.map((t) => [t.tokenId, t.name] as const))).entries()];
  const share = (e: (typeof epochs)[number], id: number) => e.tokens.find((t) => t.tokenId === id) ?? null;
  return {
    id: 'chart-caps',
    title: 'Minting cap used per epoch',
    description: 'The share of each token’s cap for the whole epoch that has been minted, in percent. At 100% further awards of that token wait for the next epoch.',
    x: { kind: 'time', values: epochs.map((e) => e.startsAt) },
    yLabel: '% of the cap',
    series: tokens.map(([id, name]) => ({ label: name, values: epochs.map((e) => (share(e, id)?.share ?? 0) * 100) })),
    table: {
      head: ['epoch starting', ...tokens.map(([, name]) => `${name} minted / cap`)],
      rows: epochs.map((e) => [epochLabel(e.startsAt, r.epochSeconds), ...tokens.map(([id]) => {
        const t = share(e, id);
        return t ? `${t.minted.toLocaleString('en')} of ${t.epochCap.toLocaleString('en')} (${percent(t.share)})` : '–';
      })]),
    },
    empty: r.chainError ? `The blockchain did not answer: ${r.chainError}` : 'No epochs yet.',
  };
}

/** Realised edge per game with its 95% band, against the published edge. */
export function houseChart(r: EconomyReport): ChartSpec {
  const games = r.house;
  const pct = (v: number | null | undefined) => (v === null || v === undefined ? null : v * 100);
  return {
    id: 'chart-house',
    title: 'House profit by game against the published edge',
    description:
      'What the house kept as a share of the chips staked (the realised edge), with the range it lies in 95 times in 100 by chance alone (the bar), and the edge the rules publish. A published edge far outside the bar would be worth a look.',
    x: { kind: 'names', names: games.map((g) => g.game) },
    yLabel: '% of stakes',
    series: [
      { label: 'realised edge (%)', values: games.map((g) => pct(g.realisedEdge)), pointsOnly: true },
      { label: 'published edge (%)', values: games.map((g) => pct(g.expectedEdge)), pointsOnly: true },
    ],
    table: {
      head: ['game', 'bets', 'chips staked', 'house profit', 'realised edge', '95% range', 'published edge'],
      rows: games.map((g) => [
        g.game,
        g.bets.toLocaleString('en'),
        amount(g.staked, 'chip'),
        amount(g.houseProfit, 'chip'),
        percent(g.realisedEdge),
        g.band ? `${percent(g.band.low)} to ${percent(g.band.high)}` : 'needs 2 bets',
        percent(g.expectedEdge, 4),
      ]),
    },
    empty: 'No bets ended yet.',
    yExtra: games.flatMap((g) => (g.band ? [g.band.low * 100, g.band.high * 100] : [])),
    // The 95% band: a vertical bar from low to high at each game.
    draw: (u: uPlot, color) => {
      const ctx = u.ctx;
      ctx.save();
      ctx.strokeStyle = color(0);
      ctx.lineWidth = 3 * devicePixelRatio;
      games.forEach((g, i) => {
        if (!g.band) return;
        const x = u.valToPos(i, 'x', true);
        ctx.beginPath();
        ctx.moveTo(x, u.valToPos(g.band.low * 100, 'y', true));
        ctx.lineTo(x, u.valToPos(g.band.high * 100, 'y', true));
        ctx.stroke();
      });
      ctx.restore();
    },
  };
}

/** Gas per award of the latest mint transactions. */
export function gasChart(r: EconomyReport): ChartSpec {
  const txs = r.gas.recent;
  return {
    id: 'chart-gas',
    title: 'Gas per award minted',
    description: `Each mint transaction’s gas divided by the awards it minted${txs.length ? `, for the latest ${amount(txs.length, 'transaction')}` : ''}. Awards batched together cost less each. Average over all: ${r.gas.totals.gasPerAward === null ? 'none yet' : amount(Math.round(r.gas.totals.gasPerAward), 'gas unit', 0)}.`,
    x: { kind: 'names', names: txs.map((t) => `#${t.n}`) },
    yLabel: 'gas per award',
    series: [{ label: 'gas per award', values: txs.map((t) => t.gasPerAward) }],
    table: {
      head: ['transaction', 'awards', 'gas', 'gas per award'],
      rows: txs.slice(-50).map((t) => [t.hash.slice(0, 12) + '…', String(t.awards), t.gasUsed.toLocaleString('en'), t.gasPerAward === null ? '–' : Math.round(t.gasPerAward).toLocaleString('en')]),
    },
    empty: 'No mint transaction with known gas yet.',
  };
}
