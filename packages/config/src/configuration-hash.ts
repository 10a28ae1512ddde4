/**
 * The hash a configuration signature covers, computed the way the Super Protocol platform does
 * (@super-protocol/sdk-js `helpers.calculateObjectHash`, i.e. the object-hash package with SHA-256,
 * hex output and unordered arrays). Written from a reading of that algorithm, for JSON values only,
 * and proved byte for byte against the SDK in configuration-signature.sdk.test.ts. The decision and
 * what the serialisation looks like: docs/adr/0001-configuration-signature.md.
 *
 * The digest is SHA-256 over the UTF-8 of a type-tagged serialisation:
 * - `Null`, `Undefined`, `bool:<true|false>`, `number:<JavaScript's String(n)>`,
 *   `string:<UTF-16 length>:<text>`;
 * - an object: `object:<count>:` then, for each key, `<key as a string>:<value>,`. The keys are
 *   `prototype`, `__proto__` and `constructor` first (read as JavaScript reads them, so a parsed
 *   object's `__proto__` is Object.prototype and its `constructor` the Object function), then its
 *   own keys sorted by UTF-16 code units;
 * - the Object function: `fn:`, the strings `[native]` and `function-name:Object`, then `object:0:`;
 * - an object met before (Object.prototype and the Object function, every time after the first):
 *   the string `[CIRCULAR:<index>]`, the index being its position in the list of objects visited
 *   so far (arrays and objects, in visiting order, never removed);
 * - an array: `array:<length>:`, then its elements; with two elements or more, each element is
 *   serialised on its own (from a copy of the visited list), the results are sorted as strings and
 *   written as `array:<length>:` followed by each as a string. Array order is therefore not signed.
 */
import { createHash } from 'node:crypto';

interface Sink {
  write(text: string): void;
}

/** One pass over a value. `visited` is the list [CIRCULAR:i] indexes into. */
class Serializer {
  constructor(
    private readonly sink: Sink,
    private visited: unknown[],
  ) {}

  value(value: unknown): void {
    if (value === null) return this.sink.write('Null');
    switch (typeof value) {
      case 'undefined':
        return this.sink.write('Undefined');
      case 'boolean':
        return this.sink.write(`bool:${String(value)}`);
      case 'number':
        return this.sink.write(`number:${String(value)}`);
      case 'string':
        return this.string(value);
      case 'object':
        return this.object(value);
      case 'function':
        if (value === Object) return this.objectFunction();
        throw new TypeError('a configuration holds no functions');
      default:
        throw new TypeError(`a configuration holds no ${typeof value}`);
    }
  }

  private string(text: string): void {
    this.sink.write(`string:${text.length}:`);
    this.sink.write(text);
  }

  /** Index of an object already visited, else -1 after recording it. */
  private visit(object: unknown): number {
    const index = this.visited.indexOf(object);
    if (index < 0) this.visited.push(object);
    return index;
  }

  private object(object: object): void {
    const seen = this.visit(object);
    if (seen >= 0) return this.string(`[CIRCULAR:${seen}]`);
    if (Array.isArray(object)) return this.array(object);
    const prototype: unknown = Object.getPrototypeOf(object);
    if (prototype !== Object.prototype && prototype !== null) {
      throw new TypeError('a configuration holds only plain objects, arrays and JSON values');
    }
    const keys = ['prototype', '__proto__', 'constructor', ...Object.keys(object).sort()];
    this.sink.write(`object:${keys.length}:`);
    for (const key of keys) {
      this.string(key);
      this.sink.write(':');
      this.value((object as Record<string, unknown>)[key]);
      this.sink.write(',');
    }
  }

  /** The Object function, reached through every object's `constructor`. */
  private objectFunction(): void {
    this.sink.write('fn:');
    this.string('[native]');
    this.string('function-name:Object');
    const seen = this.visit(Object);
    if (seen >= 0) return this.string(`[CIRCULAR:${seen}]`);
    this.sink.write('object:0:');
  }

  private array(items: readonly unknown[]): void {
    this.sink.write(`array:${items.length}:`);
    if (items.length <= 1) {
      for (const item of items) this.value(item);
      return;
    }
    const before = this.visited;
    const added: unknown[] = [];
    const serialized = items.map((item) => {
      // Each element starts from the same visited list; what it adds is appended afterwards. Only
      // what lands in `own` counts: a nested array of several elements replaces the list it pushes to.
      const own = before.slice();
      let text = '';
      new Serializer({ write: (piece) => (text += piece) }, own).value(item);
      added.push(...own.slice(before.length));
      return text;
    });
    this.visited = before.concat(added);
    serialized.sort();
    this.sink.write(`array:${serialized.length}:`);
    for (const text of serialized) this.string(text);
  }
}

/**
 * The SDK's `helpers.calculateObjectHash(value).hash`: lower-case hex SHA-256 of the serialisation
 * above. `value` must be JSON (as JSON.parse returns it); anything else throws a TypeError.
 */
export function calculateObjectHash(value: unknown): string {
  const hash = createHash('sha256');
  new Serializer({ write: (piece) => hash.update(piece, 'utf8') }, []).value(value);
  return hash.digest('hex');
}
