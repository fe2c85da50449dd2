/**
 * The dice table's art, drawn here and committed: a die that tumbles while a roll is under way,
 * the track of rolls 0 to 9999 with the winning range shaded, a marker where the roll landed, and
 * the roll's number. Colours come from the page's design system (`--win`, `--loss`, ...) with
 * fallbacks, so the art reads in the light and the dark theme.
 * @module
 */

/** Where the track of rolls starts and ends in the stage's SVG units (0 at the left, 9999 at the right). */
export const TRACK = { x0: 16, x1: 304, y: 104, height: 14 } as const;

/** The pips of a die face 1..6, as centres in a 48-unit square. */
const PIPS: Record<number, readonly (readonly [number, number])[]> = {
  1: [[24, 24]],
  2: [[14, 14], [34, 34]],
  3: [[14, 14], [24, 24], [34, 34]],
  4: [[14, 14], [34, 14], [14, 34], [34, 34]],
  5: [[14, 14], [34, 14], [24, 24], [14, 34], [34, 34]],
  6: [[14, 13], [34, 13], [14, 24], [34, 24], [14, 35], [34, 35]],
};

/** The pips of a die showing `face` (1..6), for the die's `<g>`. */
export function pips(face: number): string {
  return (PIPS[face] ?? PIPS[1]!).map(([x, y]) => `<circle cx="${x}" cy="${y}" r="4.5"/>`).join('');
}

/** The stage: the die, the rolled number and the track. Decorative to a screen reader (results are announced in words). */
export const STAGE_SVG = `
<svg class="dice-art" viewBox="0 0 320 128" aria-hidden="true" focusable="false">
  <defs>
    <linearGradient id="dice-face" x1="0" y1="0" x2="1" y2="1">
      <stop offset="0" stop-color="#ffffff"/><stop offset="1" stop-color="#dfe3ea"/>
    </linearGradient>
  </defs>
  <g transform="translate(20 18)"><g class="die">
    <rect width="48" height="48" rx="10" fill="url(#dice-face)" stroke="#57606a" stroke-width="2"/>
    <g class="pips" fill="#24292f">${pips(5)}</g>
  </g></g>
  <text class="dice-number" x="190" y="64" text-anchor="middle">– – – –</text>
  <rect class="track" x="${TRACK.x0}" y="${TRACK.y}" width="${TRACK.x1 - TRACK.x0}" height="${TRACK.height}" rx="7"/>
  <rect class="win-zone" x="${TRACK.x0}" y="${TRACK.y}" width="0" height="${TRACK.height}" rx="7"/>
  <g class="marker" transform="translate(${TRACK.x0} 0)">
    <path d="M0 ${TRACK.y - 2} l-7 -11 h14 z"/>
    <rect x="-1.5" y="${TRACK.y - 2}" width="3" height="${TRACK.height + 4}"/>
  </g>
  <text class="track-label" x="${TRACK.x0}" y="${TRACK.y + TRACK.height + 10}">0</text>
  <text class="track-label" x="${TRACK.x1}" y="${TRACK.y + TRACK.height + 10}" text-anchor="end">9999</text>
</svg>`;

/** The table's own styles, scoped to `#dice`: design-system variables with fallbacks. */
export const DICE_CSS = `
#dice .autobet { margin: 0.75rem 0; }
#dice .autobet-fields { display: flex; flex-wrap: wrap; gap: 0.5rem 1rem; align-items: end; margin-top: 0.5rem; }
#dice .autobet-fields input { width: 7rem; }
#dice .dice-stage { margin: 0.5rem 0 1rem; padding: 0.5rem; border-radius: 12px; border: 2px solid var(--border, #8884);
  background: var(--card, transparent); max-width: 30rem; transition: border-color 0.2s; }
#dice .dice-art { display: block; width: 100%; height: auto; }
#dice .dice-number { font: 700 44px/1 ui-monospace, SFMono-Regular, Menlo, monospace; fill: var(--fg, currentColor); letter-spacing: 2px; }
#dice .track { fill: var(--border, #8885); }
#dice .win-zone { fill: var(--win, #1a7f37); opacity: 0.45; }
#dice .marker { fill: var(--fg, currentColor); }
#dice .track-label { font: 10px system-ui, sans-serif; fill: var(--muted, #6e7781); }
#dice .dice-stage figcaption { font-weight: 600; min-height: 1.4em; }
#dice .dice-stage.win { border-color: var(--win, #1a7f37); }
#dice .dice-stage.win .dice-number, #dice .dice-stage.win figcaption { fill: var(--win, #1a7f37); color: var(--win, #1a7f37); }
#dice .dice-stage.loss { border-color: var(--loss, #cf222e); }
#dice .dice-stage.loss .dice-number, #dice .dice-stage.loss figcaption { fill: var(--loss, #cf222e); color: var(--loss, #cf222e); }
#dice .dice-stage.failed { border-style: dashed; }
#dice .dice-stage .badge { display: inline-block; margin-left: 0.5rem; padding: 0 0.5rem; border-radius: 999px; font-size: 0.85em; border: 1px solid currentColor; }
#dice .dice-stage.rolling .die { animation: dice-tumble 0.45s linear infinite; transform-origin: 24px 24px; transform-box: fill-box; }
#dice .dice-stage.rolling .dice-number { fill: var(--muted, #6e7781); }
#dice #rolls li.win { border-left: 4px solid var(--win, #1a7f37); }
#dice #rolls li.loss { border-left: 4px solid var(--loss, #cf222e); }
#dice #bet-form fieldset legend { padding: 0; font-size: 0.9em; }
#dice #bet-form button[type=submit] { min-width: 8rem; min-height: 2.75rem; font-weight: 700; }
@keyframes dice-tumble { from { transform: rotate(0deg) scale(1); } 50% { transform: rotate(180deg) scale(0.9); } to { transform: rotate(360deg) scale(1); } }
@media (prefers-reduced-motion: reduce) { #dice .dice-stage.rolling .die { animation: none; } #dice .dice-stage { transition: none; } }`;
