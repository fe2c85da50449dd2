/**
 * Published limits on a sign-in, checked before anything is parsed: a token or message over a
 * limit is refused at once, so no attacker-sized input reaches base64, JSON, the EIP-4361
 * grammar or keccak. And the one field that must be read before the message is parsed: its
 * nonce, so that a message under a nonce this server never issued costs a line scan, not a parse.
 *
 * The client's own message is about 500 bytes, 13 lines and one `Resources` entry (its session
 * key), its token about 900 characters: each limit leaves it room several times over.
 * @module
 */

/** Largest sign-in message, in UTF-8 bytes. */
export const MAX_MESSAGE_BYTES = 2048;
/** Most lines a sign-in message may have (EIP-4361 has 14 fixed ones at most, plus one per resource). */
export const MAX_MESSAGE_LINES = 20;
/** Most `Resources` entries a sign-in message may list. */
export const MAX_RESOURCES = 4;
/**
 * Largest bearer token (base64url of `{"message", "signature"}`), in characters: what a message
 * of MAX_MESSAGE_BYTES with its signature encodes to, with room for JSON escapes.
 */
export const MAX_TOKEN_CHARS = 3072;

const NONCE_LINE = /^Nonce: ([A-Za-z0-9]+)$/;

/** Why a token or message over a limit is refused; undefined if it is within them all. */
export function tokenOverLimit(token: string): string | undefined {
  if (token.length > MAX_TOKEN_CHARS) return `token is ${token.length} characters, more than the ${MAX_TOKEN_CHARS} allowed`;
  return undefined;
}

/** Why a message over a limit is refused; undefined if it is within them all. Cost: one pass over at most MAX_MESSAGE_BYTES. */
export function messageOverLimit(message: string): string | undefined {
  // A UTF-16 length over the byte limit is over it in UTF-8 too: refused before it is even scanned.
  if (message.length > MAX_MESSAGE_BYTES) return `message is more than ${MAX_MESSAGE_BYTES} bytes`;
  const bytes = new TextEncoder().encode(message).length;
  if (bytes > MAX_MESSAGE_BYTES) return `message is ${bytes} bytes, more than the ${MAX_MESSAGE_BYTES} allowed`;
  const lines = message.split('\n');
  if (lines.length > MAX_MESSAGE_LINES) return `message has ${lines.length} lines, more than the ${MAX_MESSAGE_LINES} allowed`;
  const resourcesAt = lines.indexOf('Resources:');
  const resources = resourcesAt < 0 ? 0 : lines.slice(resourcesAt + 1).filter((l) => l.startsWith('- ')).length;
  if (resources > MAX_RESOURCES) return `message lists ${resources} Resources, more than the ${MAX_RESOURCES} allowed`;
  return undefined;
}

/** The message's nonce, read from its `Nonce:` line without parsing the rest; undefined if there is not exactly one. */
export function readNonce(message: string): string | undefined {
  const found = message.split('\n').flatMap((line) => NONCE_LINE.exec(line)?.[1] ?? []);
  return found.length === 1 ? found[0] : undefined;
}
