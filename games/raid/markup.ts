/**
 * The raid room's markup and its own styles, scoped to `#raid`: the map, the touch pad as a
 * cross (up on top, left, Open and right in the middle, down below, each at least 48 px for a thumb), and the loot
 * icons and avatars in the log and scoreboard. Colours are the page's design-system variables,
 * with fallbacks.
 * @module
 */
import { RAID_HEIGHT, RAID_WIDTH } from './rules.ts';
import { TILE } from './map-drawing.ts';

const RAID_CSS = `
#raid #raid-map { width: 100%; max-width: 640px; height: auto; border-radius: 8px; border: 2px solid var(--border, #8884); image-rendering: auto; }
#raid #raid-map:focus-visible { outline: 3px solid var(--accent, #0969da); outline-offset: 2px; }
#raid .pad { display: grid; grid-template-columns: repeat(3, 3.5rem); grid-template-rows: repeat(3, 3.5rem);
  grid-template-areas: ". up ." "left open right" ". down ."; gap: 0.4rem; margin: 0.75rem 0; justify-content: start; touch-action: none; }
#raid .pad button { margin: 0; padding: 0; min-width: 48px; min-height: 48px; font-size: 1.3rem; border-radius: 10px;
  background: var(--card, ButtonFace); color: var(--fg, ButtonText); border: 1px solid var(--border, #8886); user-select: none; -webkit-user-select: none; }
#raid .pad button:active { background: var(--accent, #0969da); color: var(--bg, #fff); }
#raid .pad button[aria-label="up"] { grid-area: up; }
#raid .pad button[aria-label="left"] { grid-area: left; }
#raid .pad button[aria-label="right"] { grid-area: right; }
#raid .pad button[aria-label="down"] { grid-area: down; }
#raid .pad #raid-open { grid-area: open; font-size: 0.95rem; font-weight: 700; }
@media (max-width: 40rem) { #raid .pad { justify-content: center; grid-template-columns: repeat(3, 4rem); grid-template-rows: repeat(3, 4rem); } }
#raid .loot-icon svg { width: 1.75em; height: 1.75em; vertical-align: middle; margin-right: 0.4em; }
#raid #raid-log li[data-kind="loot"] { border-left: 4px solid var(--win, #1a7f37); }
#raid #raid-log li[data-verified="false"] { border-left: 4px solid var(--loss, #cf222e); }
#raid #scoreboard .avatar svg { width: 1.5em; height: 1.5em; vertical-align: middle; margin-right: 0.3em; }`;


/** The room: status, map, touch pad, scoreboard and log (ids and data attributes the tests read). */
export const RAID_MARKUP = `
  <style>${RAID_CSS}</style>
  <p id="raid-status" class="small"></p>
  <canvas id="raid-map" width="${RAID_WIDTH * TILE}" height="${RAID_HEIGHT * TILE}" tabindex="0" role="application" aria-roledescription="game map" aria-label="the raid map: move with arrow keys or WASD, open a chest with E or Space"></canvas>
  <div class="pad" role="group" aria-label="touch controls">
    <button type="button" data-dir="0,-1" aria-label="up">▲</button>
    <button type="button" data-dir="-1,0" aria-label="left">◀</button>
    <button type="button" id="raid-open">Open</button>
    <button type="button" data-dir="1,0" aria-label="right">▶</button>
    <button type="button" data-dir="0,1" aria-label="down">▼</button>
  </div>
  <p class="muted small">Arrows or WASD (or hold the pad's arrows) to move; E, Space or Open to open a chest you stand next to.</p>
  <table id="scoreboard"><thead><tr><th>player</th><th>score</th><th>finds</th></tr></thead><tbody></tbody></table>
  <ol id="raid-log" class="rolls"></ol>`;
