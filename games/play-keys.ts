/**
 * Keyboard play shared by the game views: whether a key press belongs to the game, or to
 * something else on the page the player is typing in or using (a text field, a dialog).
 * @module
 */

/** Whether `target` takes typed text (a text field, a text area, a select, an editable element). */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (!(target instanceof HTMLInputElement)) return false;
  return !['range', 'radio', 'checkbox', 'button', 'submit', 'reset'].includes(target.type);
}

/**
 * Whether a key press is the game's to take: no modifier held, not typed into a text field, no
 * dialog open over the page, and the game's section on screen.
 */
export function isGameKey(e: KeyboardEvent, section: HTMLElement): boolean {
  if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || e.repeat) return false;
  if (isTypingTarget(e.target)) return false;
  if (document.querySelector('dialog[open]')) return false;
  return section.offsetParent !== null || section.getClientRects().length > 0;
}

/** Whether the player asked for less motion: animations settle at once. */
export function prefersReducedMotion(): boolean {
  return typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
}
