/**
 * The views of the games the registry lists, found by their place (`games/<id>/view.ts`), and the
 * page's section for each: its title, the view's mount, Leave and the transcript link. The page
 * names no game; a game missing its view is said at startup.
 * @module
 */
/// <reference types="vite/client" />
import { GAMES } from '../../games/registry.ts';
import type { GameViewFactory } from './game-view.ts';

const modules = import.meta.glob<{ default: GameViewFactory }>('../../games/*/view.ts', { eager: true });

export function viewOf(game: string): GameViewFactory {
  const view = modules[`../../games/${game}/view.ts`]?.default;
  if (!view) throw new Error(`games/${game}/view.ts does not export a view`);
  return view;
}

/** Builds, once, a hidden section per game: `#<id>` with `#<id>-room-id`, `#<id>-view`, `#leave-<id>`, `#export-<id>-transcript`. */
export function buildGameSections(parent: HTMLElement): void {
  for (const game of GAMES) {
    viewOf(game.id);
    const section = Object.assign(document.createElement('section'), { id: game.id, className: 'card game-room', hidden: true });
    section.setAttribute('aria-labelledby', `${game.id}-heading`);
    section.innerHTML = `
      <h1 id="${game.id}-heading" tabindex="-1"></h1>
      <div id="${game.id}-view"></div>
      <ol id="${game.id}-history" class="rolls" aria-label="Room notices"></ol>
      <div class="game-actions">
        <button id="leave-${game.id}" type="button" class="secondary">Leave the room</button>
        <a id="export-${game.id}-transcript" href="#">Export this room's transcript</a>
        <span class="muted small">(check it on <a href="/verify">/verify</a>)</span>
      </div>`;
    const title = section.querySelector('h1')!;
    title.append(`${game.title} `, Object.assign(document.createElement('span'), { id: `${game.id}-room-id`, className: 'muted small' }));
    parent.append(section);
  }
}
