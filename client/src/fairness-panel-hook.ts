/**
 * Opens the fairness panel from any draw row: a `[data-draw]` row of a game section (its room is
 * the section's `#<game>-room-id`) or of the history (`data-room` on the row). One listener for
 * clicks and for Enter or Space on a focused row; rows are made focusable as they appear, so a
 * keyboard reaches them too. The panel's code loads on the first opening. Also builds the
 * player's history section with the seed source settings.
 * @module
 */
import type { Fairness } from './api.ts';
import { seedSourceSettings } from './fairness-panel-seeds.ts';
import { PlayerHistory } from './history.ts';

export interface FairnessUi {
  /** The player signed in: their history shows, and panels show their seed. */
  signedIn(address: string): void;
  /** A draw of the player's settled: the history follows. */
  settled(): void;
}

const INTERACTIVE = 'a, button, input, select, textarea, summary, label';

/** The room and draw a row stands for, if it is a draw row. */
function drawOf(row: HTMLElement): { roomId: string; drawSeq: number } | undefined {
  const drawSeq = Number(row.dataset['draw']);
  if (!Number.isSafeInteger(drawSeq) || drawSeq < 0) return undefined;
  const roomId = row.dataset['room'] ?? roomOfSection(row);
  return roomId ? { roomId, drawSeq } : undefined;
}

/** The room of the game section a row is in: the nearest ancestor `#<game>` with a `#<game>-room-id` (views.ts). */
function roomOfSection(row: HTMLElement): string | undefined {
  for (let node = row.parentElement; node; node = node.parentElement) {
    const roomId = node.id ? document.getElementById(`${node.id}-room-id`)?.textContent?.trim() : undefined;
    if (roomId) return roomId;
  }
  return undefined;
}

function focusable(root: ParentNode): void {
  for (const row of root.querySelectorAll<HTMLElement>('[data-draw]:not([tabindex])')) {
    row.tabIndex = 0;
    row.title = "Open this draw's fairness panel";
  }
}

export function installFairnessUi(keys: Fairness, gameSections: HTMLElement): FairnessUi {
  const history = new PlayerHistory(gameSections, seedSourceSettings());
  let address: string | undefined;
  const open = (row: HTMLElement): boolean => {
    const draw = drawOf(row);
    if (!draw || !address) return false;
    const player = address;
    void import('./fairness-panel.ts').then((m) => m.openFairnessPanel(draw.roomId, draw.drawSeq, player, keys, row));
    return true;
  };
  const rowOf = (e: Event): HTMLElement | null => {
    const target = e.target as HTMLElement | null;
    if (!target || target.closest(INTERACTIVE)) return null;
    const row = target.closest<HTMLElement>('[data-draw]');
    return row && (gameSections.contains(row) || document.getElementById('history')?.contains(row)) ? row : null;
  };
  document.addEventListener('click', (e) => {
    const row = rowOf(e);
    if (row) open(row);
  });
  // Enter or Space on a focused row opens it (and is not also a game's key: it stops here).
  document.addEventListener(
    'keydown',
    (e) => {
      if (e.key !== 'Enter' && e.key !== ' ') return;
      const row = rowOf(e);
      if (row && e.target === row && open(row)) {
        e.preventDefault();
        e.stopPropagation();
      }
    },
    true,
  );
  new MutationObserver(() => focusable(gameSections)).observe(gameSections, { childList: true, subtree: true, attributes: true, attributeFilter: ['data-draw'] });
  focusable(gameSections);
  return {
    signedIn(player) {
      address = player;
      history.show(player);
    },
    settled: () => history.settled(),
  };
}
