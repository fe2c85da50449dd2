/**
 * One chart of the economy page: a card with a heading, a sentence saying what it shows, the
 * plot (uPlot, drawn in the browser, colours from the page's light/dark variables) and the same
 * figures as a table for those who do not read charts, or cannot see them.
 * @module
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  readonly label: string;
  readonly values: readonly (number | null)[];
  /** Points only (no line between them): for figures that are not a time series. */
  readonly pointsOnly?: boolean;
}

export interface ChartSpec {
  readonly id: string;
  readonly title: string;
  /** What the chart shows, in plain words with its units. */
  readonly description: string;
  /** x: times in ms (`time`), or positions 0..n-1 named by `xNames` (`names`). */
  readonly x: { readonly kind: 'time'; readonly values: readonly number[] } | { readonly kind: 'names'; readonly names: readonly string[] };
  readonly yLabel: string;
  readonly series: readonly ChartSeries[];
  readonly table: { readonly head: readonly string[]; readonly rows: readonly (readonly string[])[] };
  /** Said instead of the plot when there is nothing to plot. */
  readonly empty: string;
  /** Values the y scale must include besides the series' (e.g. the ends of the confidence bands). */
  readonly yExtra?: readonly number[];
  /** Draws on the plot after the series (e.g. the confidence bands). */
  readonly draw?: (u: uPlot, color: (i: number) => string) => void;
}

/** The page's colour variables resolved to rgb (custom properties hold light-dark(); a probe element resolves them). */
function cssColor(variable: string): string {
  const probe = document.createElement('span');
  probe.style.color = `var(${variable})`;
  document.body.append(probe);
  const rgb = getComputedStyle(probe).color;
  probe.remove();
  return rgb;
}

const PALETTE = ['--accent', '--win', '--loss', '--held', '--muted'];

/** Appends the chart's card to `parent`; returns its plot, or undefined when there was nothing to plot. */
export function chartCard(parent: HTMLElement, spec: ChartSpec): uPlot | undefined {
  const card = document.createElement('section');
  card.className = 'card economy-chart';
  card.id = spec.id;
  card.setAttribute('aria-labelledby', `${spec.id}-title`);
  const title = document.createElement('h2');
  title.id = `${spec.id}-title`;
  title.textContent = spec.title;
  const about = document.createElement('p');
  about.className = 'muted small';
  about.textContent = spec.description;
  const plot = document.createElement('div');
  plot.className = 'plot';
  card.append(title, about, plot);
  card.append(tableOf(spec));
  parent.append(card);
  const xs = spec.x.kind === 'time' ? spec.x.values.map((ms) => ms / 1000) : spec.x.names.map((_, i) => i);
  const hasData = xs.length > 0 && spec.series.some((s) => s.values.some((v) => v !== null));
  if (!hasData) {
    plot.textContent = spec.empty;
    plot.className = 'plot empty muted';
    card.dataset['points'] = '0';
    return undefined;
  }
  plot.setAttribute('role', 'img');
  plot.setAttribute('aria-label', `Chart: ${spec.title}. The table below has the same figures.`);
  const colors = PALETTE.map(cssColor);
  const color = (i: number) => colors[i % colors.length]!;
  const fg = cssColor('--fg');
  const grid = cssColor('--border');
  const names = spec.x.kind === 'names' ? spec.x.names : undefined;
  const font = `13px ${getComputedStyle(document.body).fontFamily}`;
  const axis = { stroke: fg, font, labelFont: `bold ${font}`, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
  const opts: uPlot.Options = {
    width: Math.max(280, plot.clientWidth || card.clientWidth - 40),
    height: 260,
    // The legend names the series; values under the cursor are in the table.
    legend: { live: false },
    scales: {
      x: names ? { time: false, range: [-0.5, names.length - 0.5] } : { time: true },
      ...(spec.yExtra?.length ? { y: { range: (_u: uPlot, min: number, max: number) => padded(Math.min(min, ...spec.yExtra!), Math.max(max, ...spec.yExtra!)) } } : {}),
    },
    axes: [
      names ? { ...axis, splits: () => names.map((_, i) => i), values: (_u, splits) => splits.map((i) => names[i] ?? '') } : axis,
      { ...axis, label: spec.yLabel, size: 100, labelSize: 24 },
    ],
    series: [
      { label: names ? 'game' : 'time' },
      ...spec.series.map((s, i) => ({
        label: s.label,
        stroke: color(i),
        width: 2,
        points: { show: true, size: s.pointsOnly ? 12 : 6, fill: color(i) },
        ...(s.pointsOnly ? { paths: () => null } : {}),
      })),
    ],
    ...(spec.draw ? { hooks: { draw: [(u: uPlot) => spec.draw!(u, color)] } } : {}),
  };
  const data = [xs, ...spec.series.map((s) => s.values.map((v) => v))] as uPlot.AlignedData;
  card.dataset['points'] = String(xs.length);
  return new uPlot(opts, data, plot);
}

/** A range with a tenth of its span (or 1) of room on each side. */
function padded(min: number, max: number): [number, number] {
  const room = (max - min) / 10 || 1;
  return [min - room, max + room];
}

function tableOf(spec: ChartSpec): HTMLElement {
  const details = document.createElement('details');
  const summary = document.createElement('summary');
  summary.textContent = `${spec.title}: the figures as a table`;
  const table = document.createElement('table');
  const caption = document.createElement('caption');
  caption.className = 'visually-hidden';
  caption.textContent = spec.title;
  const head = table.createTHead().insertRow();
  for (const h of spec.table.head) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = h;
    head.append(th);
  }
  const body = table.createTBody();
  for (const row of spec.table.rows) {
    const tr = body.insertRow();
    for (const cell of row) tr.insertCell().textContent = cell;
  }
  table.prepend(caption);
  details.append(summary, table);
  return details;
}
