/**
 * The shape @kyso/pdf and @kyso/core read documents through (their ByteSource), restated here so the service
 * depends on core and verify only; TypeScript's structural typing makes the two the same type.
 */
export interface ByteSource {
  readonly length: number;
  read(start: number, end: number): Uint8Array;
}

/** A ByteSource over bytes in memory. */
export function asSource(input: Uint8Array | ByteSource): ByteSource {
  if (!(input instanceof Uint8Array)) return input;
  return {
    length: input.length,
    read: (start, end) => input.subarray(Math.max(0, start), Math.min(input.length, end)),
  };
}
