/**
 * Where focus goes when the screen changes (sign-in, entering a room, leaving it): to the new
 * screen's heading, so a keyboard or screen-reader user starts there instead of at `<body>`.
 * @module
 */

/** Focuses the first heading of `screen` (made focusable by script only: tabindex -1). */
export function focusHeading(screen: HTMLElement): void {
  const heading = screen.querySelector<HTMLElement>('h1, h2');
  if (!heading) return;
  if (!heading.hasAttribute('tabindex')) heading.tabIndex = -1;
  heading.focus({ preventScroll: false });
}
