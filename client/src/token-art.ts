/// <reference types="vite/client" />
/**
 * Each token's picture as a complete inline SVG (viewBox 0 0 64 64, role="img" with a <title>):
 * the coin (token 1) drawn here, every item from its game's `games/<id>/art.ts` `itemArt`
 * (found by a glob, so no game is named here), and a plain gem-in-a-box for a token no art
 * names yet.
 * @module
 */

const COIN = `<svg viewBox="0 0 64 64" xmlns="http://www.w3.org/2000/svg" role="img"><title>coin</title>
<circle cx="32" cy="34" r="26" fill="#a66f00"/><circle cx="32" cy="30" r="26" fill="#f2b92c"/>
<circle cx="32" cy="30" r="20" fill="none" stroke="#c98a00" stroke-width="3"/>
<path d="M32 17l4 8.5 9 1.2-6.6 6.2 1.7 9-8.1-4.4-8.1 4.4 1.7-9-6.6-6.2 9-1.2z" fill="#fff3c4" stroke="#c98a00" stroke-width="1.5" stroke-linejoin="round"/>
<path d="M14 22a20 20 0 0 1 12-10" stroke="#fff8" stroke-width="3" fill="none" stroke-linecap="round"/></svg>`;

/** For a token whose game has no art for it (yet): a box with a question-mark gem, in the page's colours. */
const FALLBACK = (name: string) => `<svg viewBox="0 0 64 64" xmlns="http://www.w3.org/2000/svg" role="img"><title>${escapeXml(name)}</title>
<rect x="8" y="8" width="48" height="48" rx="10" fill="none" stroke="currentColor" stroke-opacity=".45" stroke-width="3"/>
<path d="M32 16l14 12-14 20-14-20z" fill="#6d5dfc" stroke="#3b2fb8" stroke-width="2" stroke-linejoin="round"/>
<path d="M18 28h28M32 16l-5 12 5 20 5-20z" fill="none" stroke="#fff8" stroke-width="1.5"/></svg>`;

const modules = import.meta.glob<{ itemArt?: Readonly<Record<number, string>> }>('../../games/*/art.ts', { eager: true });

/** Every game's item art by token id. */
const ITEM_ART: ReadonlyMap<number, string> = new Map(
  Object.values(modules).flatMap((m) => Object.entries(m.itemArt ?? {}).map(([id, svg]) => [Number(id), svg] as [number, string])),
);

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The SVG of token `tokenId` (named `name` for the fallback's title). */
export function tokenArt(tokenId: number, name: string): string {
  if (tokenId === 1) return COIN;
  return ITEM_ART.get(tokenId) ?? FALLBACK(name);
}

/** Whether a game drew this token (false: the fallback is shown). */
export function hasTokenArt(tokenId: number): boolean {
  return tokenId === 1 || ITEM_ART.has(tokenId);
}
