/**
 * The treasure raid's art, drawn here and committed: loot icons (`itemArt`, one per item token
 * of `rules.ts`, shown in the raid log and by the inventory), a stack of chips, and the map's pieces (floor,
 * wall, chests closed / being opened / open, one avatar per player). All are complete inline SVG
 * strings with no external reference, so the map can draw them onto its canvas as images.
 * @module
 */

/** A complete icon: 64-unit square, named for a screen reader by its `<title>`. */
function icon(title: string, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" height="64" role="img"><title>${title}</title>${body}</svg>`;
}

const EMERALD = icon(
  'emerald',
  `<path d="M20 8h24l14 16-26 34L6 24z" fill="#1f9d55" stroke="#0b5d32" stroke-width="2.5" stroke-linejoin="round"/>
   <path d="M6 24h52M20 8l-4 16 16 34M44 8l4 16-16 34M16 24l16-16 16 16" fill="none" stroke="#0b5d32" stroke-width="1.5" stroke-linejoin="round"/>
   <path d="M22 12h10l-6 10h-8z" fill="#8ff0b8" opacity="0.85"/>`,
);

const RUBY = icon(
  'ruby',
  `<path d="M32 6l22 12v28L32 58 10 46V18z" fill="#d1242f" stroke="#7a0f16" stroke-width="2.5" stroke-linejoin="round"/>
   <path d="M32 6v14M54 18l-12 8M10 18l12 8M22 26h20l-10 32zM22 26l10-6 10 6" fill="none" stroke="#7a0f16" stroke-width="1.5" stroke-linejoin="round"/>
   <path d="M16 21l10-6 4 3-10 6z" fill="#ffb3b8" opacity="0.85"/>`,
);

const CROWN = icon(
  'crown',
  `<path d="M8 22l12 12 12-20 12 20 12-12-5 28H13z" fill="#f2c230" stroke="#8a6100" stroke-width="2.5" stroke-linejoin="round"/>
   <rect x="12" y="50" width="40" height="7" rx="2" fill="#d9a514" stroke="#8a6100" stroke-width="2"/>
   <circle cx="8" cy="21" r="4" fill="#f2c230" stroke="#8a6100" stroke-width="2"/><circle cx="32" cy="12" r="4" fill="#f2c230" stroke="#8a6100" stroke-width="2"/>
   <circle cx="56" cy="21" r="4" fill="#f2c230" stroke="#8a6100" stroke-width="2"/>
   <circle cx="32" cy="38" r="4.5" fill="#d1242f"/><circle cx="20" cy="41" r="3" fill="#1f9d55"/><circle cx="44" cy="41" r="3" fill="#0969da"/>`,
);

/** tokenId -> the item's icon, for every item of the raid's rules (`raid.items`). */
export const itemArt: Readonly<Record<number, string>> = Object.freeze({ 101: EMERALD, 102: RUBY, 103: CROWN });

/** Two stacks of game chips (red and blue, striped edges), for the table's bonus-chip entries (no token). */
export const CHIPS_ART = icon(
  'chips',
  `<ellipse cx="22" cy="48" rx="16" ry="6" fill="#b3202a" stroke="#5e0f15" stroke-width="2"/>
   <ellipse cx="22" cy="42" rx="16" ry="6" fill="#d1242f" stroke="#5e0f15" stroke-width="2"/>
   <ellipse cx="22" cy="36" rx="16" ry="6" fill="#d1242f" stroke="#5e0f15" stroke-width="2"/>
   <path d="M12 36h4M28 36h4M20 42h4" stroke="#fff" stroke-width="2" stroke-linecap="round"/>
   <ellipse cx="42" cy="30" rx="16" ry="6" fill="#0a58b8" stroke="#052e61" stroke-width="2"/>
   <ellipse cx="42" cy="24" rx="16" ry="6" fill="#0969da" stroke="#052e61" stroke-width="2"/>
   <path d="M32 24h4M48 24h4M40 30h4" stroke="#fff" stroke-width="2" stroke-linecap="round"/>`,
);

/** The icon of a find: its item token's, or the chips' for bonus chips (no token). */
export function lootArt(tokenId: number | undefined): string {
  return (tokenId !== undefined ? itemArt[tokenId] : undefined) ?? CHIPS_ART;
}

/** A 32-unit map tile. */
function tile(body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32" width="32" height="32">${body}</svg>`;
}

/** Floor flagstones, in two shades laid as a checkerboard. */
export const FLOOR_ART = [
  tile(`<rect width="32" height="32" fill="#e9dcc0"/><path d="M0 16h32M16 0v16M8 16v16M24 16v16" stroke="#cdb98f" stroke-width="1.2"/>
        <circle cx="6" cy="7" r="1" fill="#cdb98f"/><circle cx="25" cy="25" r="1.2" fill="#cdb98f"/>`),
  tile(`<rect width="32" height="32" fill="#efe3c9"/><path d="M0 16h32M8 0v16M24 0v16M16 16v16" stroke="#d3c196" stroke-width="1.2"/>
        <circle cx="20" cy="8" r="1" fill="#d3c196"/>`),
] as const;

/** A stone wall: bricks in offset courses, lit from the top left. */
export const WALL_ART = tile(
  `<rect width="32" height="32" fill="#4a5361"/>
   <g fill="#66707f" stroke="#363c46" stroke-width="1">
     <rect x="0.5" y="0.5" width="15" height="7"/><rect x="16.5" y="0.5" width="15" height="7"/>
     <rect x="-7.5" y="8.5" width="15" height="7"/><rect x="8.5" y="8.5" width="15" height="7"/><rect x="24.5" y="8.5" width="15" height="7"/>
     <rect x="0.5" y="16.5" width="15" height="7"/><rect x="16.5" y="16.5" width="15" height="7"/>
     <rect x="-7.5" y="24.5" width="15" height="7"/><rect x="8.5" y="24.5" width="15" height="7"/><rect x="24.5" y="24.5" width="15" height="7"/>
   </g>
   <path d="M1 1.5h14M17 1.5h14M9 9.5h14M1 17.5h14M17 17.5h14M9 25.5h14" stroke="#7e8898" stroke-width="1"/>`,
);

const CHEST_BODY = `<rect x="5" y="15" width="22" height="12" rx="2" fill="#a0622d" stroke="#5a3212" stroke-width="1.5"/>
  <path d="M5 21h22" stroke="#5a3212" stroke-width="1.2"/><rect x="9" y="15" width="2.5" height="12" fill="#d4a017"/><rect x="20.5" y="15" width="2.5" height="12" fill="#d4a017"/>`;

/** A chest as it stands: closed (a lock on it), being opened (lid ajar, light inside), open (empty). */
export const CHEST_ART = {
  closed: tile(`${CHEST_BODY}<path d="M5 15v-4a4 4 0 0 1 4-4h14a4 4 0 0 1 4 4v4z" fill="#b8733a" stroke="#5a3212" stroke-width="1.5"/>
    <rect x="14" y="13" width="4" height="5" rx="1" fill="#f2c230" stroke="#8a6100" stroke-width="1"/>`),
  opening: tile(`<ellipse cx="16" cy="14" rx="10" ry="5" fill="#fff3b0" opacity="0.9"/>${CHEST_BODY}
    <path d="M5 14l3-8h16l3 8z" fill="#b8733a" stroke="#5a3212" stroke-width="1.5" transform="rotate(-14 5 14)"/>
    <path d="M12 10l-2-5M16 9V3M20 10l2-5" stroke="#f2c230" stroke-width="1.5" stroke-linecap="round"/>`),
  open: tile(`<path d="M6 15l1-10h18l1 10z" fill="#7a4a22" stroke="#5a3212" stroke-width="1.5"/>
    <rect x="5" y="15" width="22" height="12" rx="2" fill="#8c5a2b" stroke="#5a3212" stroke-width="1.5" opacity="0.8"/>
    <rect x="8" y="16" width="16" height="3" fill="#3b2410"/>`),
} as const;

/** A player's colour and shape, the same on every page: both read from the address's hex digits. */
export function avatarLook(address: string): { hue: number; shape: 'round' | 'square' | 'diamond' | 'hex' } {
  const hex = address.toLowerCase().replace(/^0x/, '');
  const hue = Math.floor((parseInt(hex.slice(0, 4) || '0', 16) / 0x10000) * 360);
  const shape = (['round', 'square', 'diamond', 'hex'] as const)[parseInt(hex.slice(4, 5) || '0', 16) % 4]!;
  return { hue, shape };
}

/** A player's avatar (48 units, drawn on a 32-pixel tile); the player's own wears a gold ring and a "you" pennant. */
export function avatarArt(address: string, mine: boolean): string {
  const { hue, shape } = avatarLook(address);
  const fill = `hsl(${hue} 70% 48%)`;
  const edge = `hsl(${hue} 70% 24%)`;
  const body = {
    round: `<circle cx="24" cy="26" r="13"/>`,
    square: `<rect x="12" y="14" width="24" height="24" rx="5"/>`,
    diamond: `<path d="M24 11l14 15-14 15-14-15z"/>`,
    hex: `<path d="M24 12l12 7v14l-12 7-12-7V19z"/>`,
  }[shape];
  const ring = mine ? `<circle cx="24" cy="26" r="20" fill="none" stroke="#f2c230" stroke-width="4"/><path d="M24 0v8" stroke="#24292f" stroke-width="2"/><path d="M25 0h12l-4 3 4 3H25z" fill="#f2c230" stroke="#24292f"/>` : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 48 48" width="48" height="48">${ring}
    <g fill="${fill}" stroke="${edge}" stroke-width="2.5">${body}</g>
    <circle cx="19.5" cy="24" r="2.6" fill="#fff"/><circle cx="28.5" cy="24" r="2.6" fill="#fff"/>
    <circle cx="20" cy="24.5" r="1.3" fill="#111"/><circle cx="29" cy="24.5" r="1.3" fill="#111"/></svg>`;
}
