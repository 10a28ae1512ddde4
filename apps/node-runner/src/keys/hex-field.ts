import { z } from 'zod';

/** A JSON string of hex digits (either case, no 0x) for `min`..`max` bytes. Messages never repeat the value. */
export function hexBytesSchema(min: number, max = min): z.ZodString {
  const size = min === max ? `${min} bytes` : `${min} to ${max} bytes`;
  return z.string().regex(new RegExp(`^(?:[0-9a-fA-F]{2}){${min},${max}}$`), {
    error: `expected ${size} as hex digits`,
  });
}
