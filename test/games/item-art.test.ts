/**
 * Item art (games/<id>/art.ts `itemArt`, the seam the inventory reads): every item token a
 * game's rules declare has a complete inline SVG icon, named for a screen reader, with no
 * external reference, and well formed enough to be drawn as an image.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GAMES } from '../../games/registry.ts';
import { avatarArt, avatarLook, CHEST_ART, CHIPS_ART, FLOOR_ART, lootArt, WALL_ART } from '../../games/raid/art.ts';
import { LOOT_TABLE } from '../../games/raid/rules.ts';

/** The problems of an SVG string as an icon: an empty list when it is one. */
function svgProblems(svg: string): string[] {
  const problems: string[] = [];
  if (!/^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/.test(svg)) problems.push('does not open with <svg xmlns=…>');
  if (!svg.trimEnd().endsWith('</svg>')) problems.push('does not end with </svg>');
  if (/(href|src)\s*=|url\(\s*['"]?(https?:|\/\/)|@import/i.test(svg)) problems.push('has an external reference');
  if (/<script|on[a-z]+\s*=/i.test(svg)) problems.push('has a script');
  // Every element opened is closed, in order (self-closing ones aside).
  const open: string[] = [];
  for (const [, closing, name, selfClosing] of svg.matchAll(/<(\/?)([a-zA-Z][\w:-]*)[^>]*?(\/?)>/g)) {
    if (selfClosing) continue;
    if (!closing) open.push(name!);
    else if (open.pop() !== name) problems.push(`</${name}> closes the wrong element`);
  }
  if (open.length) problems.push(`unclosed: ${open.join(', ')}`);
  return problems;
}

describe('item art', () => {
  const withItems = GAMES.filter((g) => g.items?.length);

  it('covers some game (the raid declares items)', () => {
    expect(withItems.map((g) => g.id)).toContain('raid');
  });

  for (const game of withItems) {
    it(`${game.id}: every item of the rules has a 64-unit SVG icon with role="img" and its name as <title>`, async () => {
      expect(existsSync(`games/${game.id}/art.ts`), `games/${game.id}/art.ts`).toBe(true);
      const { itemArt } = (await import(`../../games/${game.id}/art.ts`)) as { itemArt: Readonly<Record<number, string>> };
      for (const item of game.items!) {
        const svg = itemArt[item.tokenId];
        expect(svg, `art of token ${item.tokenId} (${item.name})`).toBeTypeOf('string');
        expect(svgProblems(svg!), item.name).toEqual([]);
        expect(svg).toMatch(/viewBox="0 0 64 64"/);
        expect(svg).toMatch(/role="img"/);
        expect(svg).toContain(`<title>${item.name}</title>`);
      }
    });
  }
});

describe('raid loot icons', () => {
  it('bonus chips (no token) get the chips icon; every item its own', () => {
    expect(svgProblems(CHIPS_ART)).toEqual([]);
    expect(CHIPS_ART).toContain('<title>chips</title>');
    for (const l of LOOT_TABLE) expect(lootArt('tokenId' in l ? l.tokenId : undefined)).toContain(`<title>${l.item}</title>`);
  });
});

describe('raid map art', () => {
  it('draws floor, wall, the three chest states and avatars as complete SVG', () => {
    for (const svg of [...FLOOR_ART, WALL_ART, CHEST_ART.closed, CHEST_ART.opening, CHEST_ART.open, avatarArt('0x' + '1'.repeat(40), true)]) expect(svgProblems(svg)).toEqual([]);
    expect(new Set([CHEST_ART.closed, CHEST_ART.opening, CHEST_ART.open]).size).toBe(3);
  });

  it('gives an address the same look everywhere, marks the player\'s own, and tells players apart', () => {
    const a = '0x52908400098527886E0F7030069857D2E4169EE7';
    expect(avatarLook(a)).toEqual(avatarLook(a.toLowerCase()));
    expect(avatarArt(a, true)).not.toBe(avatarArt(a, false));
    // 200 random-looking addresses: many colours and every shape.
    const looks = Array.from({ length: 200 }, (_, i) => avatarLook(`0x${((i + 1) * 2654435761).toString(16).padStart(8, '0')}${'ab'.repeat(16)}`));
    console.log(`avatars: ${new Set(looks.map((l) => l.hue)).size} hues, ${new Set(looks.map((l) => l.shape)).size} shapes over 200 addresses`);
    expect(new Set(looks.map((l) => l.shape)).size).toBe(4);
    expect(new Set(looks.map((l) => l.hue)).size).toBeGreaterThan(100);
  });
});
