/**
 * The games this server runs: for each game `games/registry.ts` lists, its `games/<id>/room.ts`
 * (room and effects). Loaded once at startup; nothing else in the server names a game.
 * @module
 */
import { GAMES } from '../games/registry.ts';
import { rulesDocument, type RulesDocument } from '../games/rules-document.ts';
import type { Config } from './config.ts';
import type { ServerGame } from './rooms/server-game.ts';

let loaded: ReadonlyMap<string, ServerGame> | undefined;

export async function loadServerGames(): Promise<ReadonlyMap<string, ServerGame>> {
  if (loaded) return loaded;
  const games = new Map<string, ServerGame>();
  for (const rules of GAMES) {
    const module = (await import(`../games/${rules.id}/room.ts`)) as { default?: ServerGame };
    if (module.default?.rules !== rules) throw new Error(`games/${rules.id}/room.ts must export its ServerGame (with the registry's rules) as default`);
    games.set(rules.id, module.default);
  }
  return (loaded = games);
}

/** A loaded game by id (after loadServerGames). */
export function serverGame(id: string): ServerGame | undefined {
  return loaded?.get(id);
}

/** The rules document of every game served, with this server's settings (after loadServerGames). */
export function servedRules(config: Config): RulesDocument[] {
  return [...(loaded?.values() ?? [])].map((g) => rulesDocument(g.rules, g.ruleSettings?.(config)));
}
