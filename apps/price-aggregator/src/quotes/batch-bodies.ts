/**
 * The serialised body of a batch answer, kept per requested pair list and reused while every pair's
 * aggregate is the very same object as when it was built. Oracle nodes ask for the same list every
 * round: their answers then cost no serialisation and no new buffer.
 */

/** Bodies are kept for this many distinct pair lists; past that, the memory starts over. */
const MAX_LISTS = 256;

export class BatchBodies<T extends { readonly json: string; readonly result: { readonly pair: string } }> {
  private readonly bodies = new Map<string, { readonly parts: readonly T[]; readonly body: Buffer }>();

  /** The body of `parts` (in order) for the pair list `listKey`. */
  body(listKey: string, parts: readonly T[]): Buffer {
    const kept = this.bodies.get(listKey);
    if (kept && kept.parts.length === parts.length && kept.parts.every((p, i) => p === parts[i]))
      return kept.body;
    const pairs = parts.map(({ result, json }) => `${JSON.stringify(result.pair)}:${json}`).join(',');
    const body = Buffer.from(`{"timestamp":${JSON.stringify(new Date().toISOString())},"pairs":{${pairs}}}`);
    if (this.bodies.size >= MAX_LISTS) this.bodies.clear();
    this.bodies.set(listKey, { parts, body });
    return body;
  }
}
