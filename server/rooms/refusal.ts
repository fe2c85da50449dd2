/**
 * A message a room refuses: its machine-readable code, the reason, and anything the client needs
 * to match it to what it sent (a draw number, a commitment). The room answers `error` with these
 * and plays on.
 * @module
 */
import type { JsonValue } from '../../vrf/protocol/encoding.ts';

/** A message a room refuses: the sender is told `code` and why, and the room plays on. */
export class Refusal extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly extra: Readonly<Record<string, JsonValue>> = {},
  ) {
    super(message);
  }
}
