/**
 * Announcements for screen readers: results and verifications are spoken through one polite
 * live region (`#announcer`, visually hidden), so a view says what happened in words once.
 * @module
 */

/** Speaks `message` through the page's live region (made on first use). */
export function announce(message: string): void {
  let region = document.getElementById('announcer');
  if (!region) {
    region = Object.assign(document.createElement('div'), { id: 'announcer', className: 'visually-hidden' });
    region.setAttribute('role', 'status');
    region.setAttribute('aria-live', 'polite');
    document.body.append(region);
  }
  // Cleared first, so the same sentence twice in a row is spoken twice.
  region.textContent = '';
  const r = region;
  requestAnimationFrame(() => (r.textContent = message));
}
