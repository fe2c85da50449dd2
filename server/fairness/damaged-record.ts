/**
 * A room's stored record that cannot be read back as the record at its place: its JSON does not
 * parse or fails the schema, its hash is not its own, or it does not continue the room's chain.
 * Storage failing (a database out of reach) is not this: only this sets a room aside (recovery).
 * @module
 */
export class DamagedRecord extends Error {
  constructor(
    readonly roomId: string,
    readonly seq: number,
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(`room ${roomId}: record ${seq} is damaged: ${reason}`, options);
  }
}
