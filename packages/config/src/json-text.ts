import { err, ok, type Result } from '@oracle/core';
import { formatPath, type ConfigurationProblem } from './problems.js';

const MAX_DEPTH = 64;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPE = /\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})/y;

class JsonSyntaxError {
  constructor(
    readonly offset: number,
    readonly expected: string,
  ) {}
}

/**
 * A strict JSON (RFC 8259) scanner that says where the first error is and finds duplicate keys,
 * which JSON.parse silently collapses. Its messages never quote the text.
 */
class JsonScanner {
  #pos = 0;
  readonly duplicateKeys: (string | number)[][] = [];

  constructor(private readonly text: string) {}

  document(): void {
    this.#space();
    this.#value([]);
    this.#space();
    if (this.#pos < this.text.length) this.#fail('nothing after the top-level value');
  }

  #value(path: (string | number)[]): void {
    if (path.length > MAX_DEPTH) this.#fail(`at most ${MAX_DEPTH} levels of nesting`);
    const c = this.text[this.#pos];
    if (c === '{') this.#object(path);
    else if (c === '[') this.#array(path);
    else if (c === '"') this.#string();
    else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) this.#number();
    else if (!['true', 'false', 'null'].some((word) => this.#word(word))) this.#fail('a value');
  }

  #object(path: (string | number)[]): void {
    this.#pos++;
    this.#space();
    if (this.#take('}')) return;
    const keys = new Set<string>();
    do {
      this.#space();
      if (this.text[this.#pos] !== '"') this.#fail('a property name in double quotes');
      const start = this.#pos;
      this.#string();
      const key = JSON.parse(this.text.slice(start, this.#pos)) as string;
      if (keys.has(key)) this.duplicateKeys.push([...path, key]);
      keys.add(key);
      this.#space();
      if (!this.#take(':')) this.#fail("':' after the property name");
      this.#space();
      this.#value([...path, key]);
      this.#space();
    } while (this.#take(','));
    if (!this.#take('}')) this.#fail("',' or '}' after the property value");
  }

  #array(path: (string | number)[]): void {
    this.#pos++;
    this.#space();
    if (this.#take(']')) return;
    let index = 0;
    do {
      this.#space();
      this.#value([...path, index++]);
      this.#space();
    } while (this.#take(','));
    if (!this.#take(']')) this.#fail("',' or ']' after the array element");
  }

  #string(): void {
    this.#pos++;
    for (;;) {
      const code = this.text.charCodeAt(this.#pos);
      if (Number.isNaN(code)) this.#fail('a closing double quote');
      if (code === 0x22) {
        this.#pos++;
        return;
      }
      if (code < 0x20) this.#fail('no control characters inside a string (write \\n, \\t, ...)');
      if (code === 0x5c) {
        ESCAPE.lastIndex = this.#pos;
        if (!ESCAPE.test(this.text)) this.#fail('a valid escape sequence');
        this.#pos = ESCAPE.lastIndex;
      } else {
        this.#pos++;
      }
    }
  }

  #number(): void {
    NUMBER.lastIndex = this.#pos;
    if (!NUMBER.test(this.text)) this.#fail('a number');
    this.#pos = NUMBER.lastIndex;
  }

  #word(word: string): boolean {
    if (!this.text.startsWith(word, this.#pos)) return false;
    this.#pos += word.length;
    return true;
  }

  #take(char: string): boolean {
    if (this.text[this.#pos] !== char) return false;
    this.#pos++;
    return true;
  }

  #space(): void {
    while (/[ \t\n\r]/.test(this.text[this.#pos] ?? '')) this.#pos++;
  }

  #fail(expected: string): never {
    throw new JsonSyntaxError(this.#pos, expected);
  }
}

/** Line and column (both from 1) of a character offset. */
function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
}

/** Parses a JSON document; syntax errors come with line and column, duplicate keys with their path. */
export function parseJsonText(input: string): Result<unknown, ConfigurationProblem[]> {
  const text = input.replace(/^\uFEFF/, '');
  const scanner = new JsonScanner(text);
  try {
    scanner.document();
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    const { line, column } = lineAndColumn(text, error.offset);
    const found = error.offset >= text.length ? 'unexpected end of file, ' : '';
    return err([
      {
        path: '',
        message: `invalid JSON at line ${line}, column ${column}: ${found}expected ${error.expected}`,
      },
    ]);
  }
  if (scanner.duplicateKeys.length > 0) {
    return err(
      scanner.duplicateKeys.map((path) => ({
        path: formatPath(path),
        message: 'duplicate key (JSON would keep only the last one)',
      })),
    );
  }
  return ok(JSON.parse(text) as unknown);
}
