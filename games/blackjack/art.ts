/**
 * Blackjack's cards, drawn here and committed: a face for each of the 52 cards (rank and suit in
 * the corners, the suit's pips or a court figure in the middle; hearts and diamonds red) and a
 * back for the dealer's hidden card. Each is a complete inline SVG named in words for a screen
 * reader ("queen of hearts"), plus the table's own styles.
 * @module
 */
import { RANKS, rankOf, suitOf } from './rules.ts';

const RANK_WORDS = ['ace', '2', '3', '4', '5', '6', '7', '8', '9', '10', 'jack', 'queen', 'king'] as const;
const SUIT_WORDS = ['clubs', 'diamonds', 'hearts', 'spades'] as const;
/** The suits' shapes in a 20-unit box centred on 0,0: drawn, not typed, so every system shows them alike. */
const SUIT_PATHS = [
  'M0-9a4.6 4.6 0 0 1 4.4 6 4.6 4.6 0 1 1-1.6 8.2L4.5 9h-9l1.7-3.8A4.6 4.6 0 1 1-4.4-3 4.6 4.6 0 0 1 0-9z',
  'M0-10L7.5 0 0 10-7.5 0z',
  'M0 9L-8.3-.6A4.9 4.9 0 0 1 0-6.6 4.9 4.9 0 0 1 8.3-.6z',
  'M0-10C4 -5 9 -2 9 2.5a4.4 4.4 0 0 1-7.5 3.1L3.5 10h-7l2-4.4A4.4 4.4 0 0 1-9 2.5C-9-2-4-5 0-10z',
] as const;
/** Where the pips of a number card stand, in the card's 60 × 84 units. */
const PIP_LAYOUT: Record<number, readonly (readonly [number, number])[]> = {
  1: [[30, 42]],
  2: [[30, 22], [30, 62]],
  3: [[30, 20], [30, 42], [30, 64]],
  4: [[20, 22], [40, 22], [20, 62], [40, 62]],
  5: [[20, 22], [40, 22], [30, 42], [20, 62], [40, 62]],
  6: [[20, 22], [40, 22], [20, 42], [40, 42], [20, 62], [40, 62]],
  7: [[20, 22], [40, 22], [30, 32], [20, 42], [40, 42], [20, 62], [40, 62]],
  8: [[20, 20], [40, 20], [30, 31], [20, 42], [40, 42], [30, 53], [20, 64], [40, 64]],
  9: [[20, 19], [40, 19], [20, 35], [40, 35], [30, 42], [20, 49], [40, 49], [20, 65], [40, 65]],
  10: [[20, 18], [40, 18], [30, 27], [20, 35], [40, 35], [20, 49], [40, 49], [30, 57], [20, 66], [40, 66]],
};

/** A card in words: "queen of hearts". */
export function cardWords(id: number): string {
  return `${RANK_WORDS[rankOf(id)]} of ${SUIT_WORDS[suitOf(id)]}`;
}

function suit(s: number, x: number, y: number, scale: number, flip = false): string {
  return `<path d="${SUIT_PATHS[s]}" transform="translate(${x} ${y}) scale(${scale})${flip ? ' rotate(180)' : ''}"/>`;
}

/** The face of card `id` (0..51, as in `rules.ts`). */
export function cardArt(id: number): string {
  const rank = rankOf(id);
  const s = suitOf(id);
  const colour = s === 1 || s === 2 ? '#c0182a' : '#1f2328';
  const label = RANKS[rank] ?? '?';
  const corner = (flip: boolean) =>
    `<g transform="${flip ? 'rotate(180 30 42)' : ''}"><text x="7" y="15" font-size="${label.length > 1 ? 9.5 : 12}" font-weight="700" text-anchor="middle" font-family="system-ui, sans-serif">${label}</text>${suit(s, 7, 23, 0.42)}</g>`;
  const middle =
    rank >= 10
      ? `<rect x="15" y="17" width="30" height="50" rx="4" fill="none" stroke="${colour}" stroke-width="1.5"/>
         <path d="M20 31l4-7 6 5 6-5 4 7z" fill="#f2c230" stroke="#8a6100" stroke-width="1"/>
         <text x="30" y="54" font-size="20" font-weight="700" text-anchor="middle" font-family="Georgia, serif">${label}</text>${suit(s, 30, 61, 0.35)}`
      : rank === 0
        ? suit(s, 30, 42, 1.7)
        : (PIP_LAYOUT[rank + 1] ?? []).map(([x, y]) => suit(s, x, y, 0.62, y > 42)).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 60 84" class="card-art" role="img"><title>${cardWords(id)}</title>
    <rect x="1" y="1" width="58" height="82" rx="6" fill="#fff" stroke="#8c959f" stroke-width="1.5"/>
    <g fill="${colour}">${corner(false)}${corner(true)}${middle}</g></svg>`;
}

/** The back of a card: the dealer's hidden card until the hand is decided. */
export const CARD_BACK = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 60 84" class="card-art back" role="img"><title>the dealer's hidden card</title>
  <defs><pattern id="bj-back" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
    <rect width="8" height="8" fill="#1b4f9c"/><rect width="4" height="8" fill="#2a66c2"/></pattern></defs>
  <rect x="1" y="1" width="58" height="82" rx="6" fill="#fff" stroke="#8c959f" stroke-width="1.5"/>
  <rect x="5" y="5" width="50" height="74" rx="4" fill="url(#bj-back)"/>
  <circle cx="30" cy="42" r="9" fill="#f2c230" stroke="#8a6100" stroke-width="1.5"/></svg>`;

/** The table's styles, scoped to `#blackjack`: design-system variables with fallbacks. */
export const BLACKJACK_CSS = `
#blackjack .felt { border-radius: 14px; padding: 0.75rem 1rem; background: #1f6f43; color: #fff; border: 3px solid var(--border, #0f3d24); max-width: 34rem; }
#blackjack .felt .hand-label { margin: 0.25rem 0; font-weight: 600; }
#blackjack .felt .cards { display: flex; flex-wrap: wrap; gap: 0.4rem; min-height: 5.3rem; align-items: flex-start; }
#blackjack .felt .card-art { width: 3.75rem; height: 5.25rem; filter: drop-shadow(0 2px 2px #0006); animation: bj-deal 0.25s ease-out; }
#blackjack .felt .total { font-weight: 400; }
#blackjack .felt .verdict { display: inline-block; font-weight: 700; font-size: 1.1rem; min-height: 1.5em; margin: 0.5rem 0 0; padding: 0.1rem 0.6rem; border-radius: 999px; }
#blackjack .felt.win, #blackjack .felt.loss, #blackjack .felt.push { outline: 4px solid var(--muted, #6e7781); outline-offset: 2px; }
#blackjack .felt.win { outline-color: var(--win, #1a7f37); }
#blackjack .felt.loss { outline-color: var(--loss, #cf222e); }
#blackjack .felt.win .verdict { background: #fff; color: #1a7f37; }
#blackjack .felt.loss .verdict { background: #fff; color: #cf222e; }
#blackjack .felt.push .verdict { background: #fff; color: #57606a; }
#blackjack .felt.failed .verdict { border: 2px dashed #cf222e; }
#blackjack [data-bj="hands"] li.win { border-left: 4px solid var(--win, #1a7f37); }
#blackjack [data-bj="hands"] li.loss { border-left: 4px solid var(--loss, #cf222e); }
#blackjack [data-bj="hands"] li.push { border-left: 4px solid var(--muted, #6e7781); }
#blackjack [data-bj="bet-form"] button { min-height: 2.75rem; }
#blackjack kbd { font-size: 0.8em; font-family: inherit; }
@keyframes bj-deal { from { transform: translateY(-12px) rotate(-6deg); opacity: 0; } to { transform: none; opacity: 1; } }
@media (prefers-reduced-motion: reduce) { #blackjack .felt .card-art { animation: none; } }`;
