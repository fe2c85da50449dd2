/**
 * Structured logging (pino, JSON lines) with two independent guards against leaking secrets:
 * pino redaction of keys that by name hold a secret, and the `Secret` wrapper, which refuses to
 * render its value in any string or JSON form, so a secret that reaches a log line, an error
 * message or `console.log` through an unexpected path still prints as `[secret]`.
 * @module
 */
import { inspect } from 'node:util';
import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

/** Property names that only ever hold secrets. Signatures, proofs and revealed seeds are public. */
const SECRET_KEYS = ['secretKey', 'privateKey', 'operatorKey', 'vrfSecretKey'] as const;

/** Top level, one level nested and two levels nested: where secrets plausibly end up in a log call. */
export const REDACT_PATHS: readonly string[] = SECRET_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]);

/** A logger writing JSON lines to `destination` (stdout by default), redacting secret-named keys. */
export function createLogger(opts: { level: string; destination?: DestinationStream }): Logger {
  const options = { level: opts.level, redact: { paths: [...REDACT_PATHS], censor: '[Redacted]' } };
  return opts.destination ? pino(options, opts.destination) : pino(options);
}

const SECRET_TEXT = '[secret]';

/**
 * Holds a secret value that only `reveal()` gives back. The value sits in a private field, so
 * neither enumeration, `JSON.stringify`, `util.inspect` nor structured clone can reach it.
 */
export class Secret<T> {
  readonly #value: T;

  constructor(value: T) {
    this.#value = value;
  }

  /** The secret itself: call at the point of use, never to pass it further along. */
  reveal(): T {
    return this.#value;
  }

  toJSON(): string {
    return SECRET_TEXT;
  }

  toString(): string {
    return SECRET_TEXT;
  }

  [inspect.custom](): string {
    return SECRET_TEXT;
  }
}
