/**
 * The light / dark theme. The page follows the system (prefers-color-scheme) until the player
 * presses the header's toggle; their choice is kept in localStorage and applied before the first
 * paint by a one-line script in the page's head (so a reload does not flash the other theme).
 * @module
 */

const KEY = 'fairplay.theme';
type Theme = 'light' | 'dark';

/** The theme showing now: the one chosen, else the system's. */
function currentTheme(): Theme {
  const chosen = document.documentElement.dataset['theme'];
  if (chosen === 'light' || chosen === 'dark') return chosen;
  return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

/** Wires `button` (a toggle named "Dark theme") to switch themes; its pressed state says which shows. */
export function themeToggle(button: HTMLButtonElement): void {
  const show = () => button.setAttribute('aria-pressed', String(currentTheme() === 'dark'));
  button.onclick = () => {
    const next: Theme = currentTheme() === 'dark' ? 'light' : 'dark';
    document.documentElement.dataset['theme'] = next;
    try {
      localStorage.setItem(KEY, next);
    } catch {
      // storage refused (private mode): the choice lasts for this page only
    }
    show();
  };
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', show);
  show();
}
