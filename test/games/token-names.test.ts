/**
 * What the inventory calls and shows each token: counts in plain English ("1 coin", "3 coins",
 * "2 rubies", "1 golden chalice"), and a complete inline SVG for every token a game declares,
 * its game's art or the fallback (which escapes the name it is given).
 */
import { describe, expect, it } from 'vitest';
import { GAMES } from '../../games/registry.ts';
import { countOf, plural, tokenName } from '../../client/src/inventory-names.ts';
import { hasTokenArt, tokenArt } from '../../client/src/token-art.ts';

describe('token names and art', () => {
  it('counts with the right plural', () => {
    expect(countOf(1, 1)).toBe('1 coin');
    expect(countOf(1, 3)).toBe('3 coins');
    expect(countOf(1, 0n)).toBe('0 coins');
    expect(countOf(1, 1234n)).toBe('1,234 coins');
    expect(countOf(424242, 2)).toBe('2 of token 424242');
    expect(['ruby', 'golden chalice', 'emerald', 'box', 'day'].map(plural)).toEqual(['rubies', 'golden chalices', 'emeralds', 'boxes', 'days']);
  });

  it('names and draws every token a game declares', () => {
    const items = GAMES.flatMap((g) => g.items ?? []);
    expect(items.length).toBeGreaterThan(0);
    for (const { tokenId, name } of [{ tokenId: 1, name: 'coin' }, ...items]) {
      expect(tokenName(tokenId)).toBe(name);
      const svg = tokenArt(tokenId, name).trim();
      const open = /^<svg\b[^>]*>/.exec(svg)?.[0] ?? '';
      expect(open, `token ${tokenId}`).toContain('viewBox="0 0 64 64"');
      expect(open, `token ${tokenId}`).toContain('role="img"');
      expect(svg).toMatch(/<title>[^<]+<\/title>/);
      expect(svg).not.toMatch(/(href|src)=/);
    }
    console.log(`tokens with their game's art: ${[1, ...items.map((i) => i.tokenId)].filter(hasTokenArt).join(', ')}; the rest show the fallback`);
  });

  it('escapes the name in the fallback', () => {
    expect(hasTokenArt(999_999)).toBe(false);
    expect(tokenArt(999_999, '<b>"x"</b>')).toContain('<title>&#60;b&#62;&#34;x&#34;&#60;/b&#62;</title>');
  });
});
