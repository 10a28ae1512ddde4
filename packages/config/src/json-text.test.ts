import { describe, expect, it } from 'vitest';
import { parseJsonText } from './json-text.js';

const problemsOf = (text: string) => {
  const result = parseJsonText(text);
  return result.ok ? [] : result.error;
};

describe('parseJsonText', () => {
  it('parses valid JSON, with or without a byte-order mark', () => {
    expect(parseJsonText('{"a": [1, -2.5e3, "x\\n\\u00e9", true, false, null], "b": {}}')).toEqual({
      ok: true,
      value: { a: [1, -2500, 'x\né', true, false, null], b: {} },
    });
    expect(parseJsonText('\uFEFF {"a": 1}\n')).toEqual({ ok: true, value: { a: 1 } });
  });

  it.each([
    ['a missing comma', '{\n  "a": 1\n  "b": 2\n}', 3, 3, "expected ',' or '}' after the property value"],
    ['a trailing comma', '{\n  "a": [1, 2,]\n}', 2, 14, 'expected a value'],
    ['a single-quoted key', "{'a': 1}", 1, 2, 'expected a property name in double quotes'],
    ['a comment', '{"a": 1 // one\n}', 1, 9, "expected ',' or '}'"],
    ['a missing colon', '{"a" 1}', 1, 6, "expected ':' after the property name"],
    ['an unquoted word', '{"a": yes}', 1, 7, 'expected a value'],
    ['a leading plus', '{"a": +1}', 1, 7, 'expected a value'],
    ['a bad escape', '{"a": "\\x"}', 1, 8, 'expected a valid escape sequence'],
    ['a raw newline in a string', '{"a": "x\ny"}', 1, 9, 'expected no control characters inside a string'],
    [
      'an unterminated string',
      '{"a": "xyz',
      1,
      11,
      'unexpected end of file, expected a closing double quote',
    ],
    [
      'a truncated file',
      '{"solution": {"totalNodes": 5',
      1,
      30,
      "unexpected end of file, expected ',' or '}'",
    ],
    ['an empty file', '', 1, 1, 'unexpected end of file, expected a value'],
    ['two documents', '{} {}', 1, 4, 'expected nothing after the top-level value'],
    ['a bare minus', '[-]', 1, 2, 'expected a number'],
  ])('locates %s', (_name, text, line, column, expected) => {
    expect(problemsOf(text)).toEqual([
      { path: '', message: expect.stringContaining(`line ${line}, column ${column}: ${expected}`) },
    ]);
  });

  it('never quotes the text in its messages', () => {
    const [problem] = problemsOf('{"solution": {"faucetPrivateKey": 0xdeadbeefsecret}}');
    expect(problem?.message).not.toMatch(/deadbeef/);
  });

  it('reports duplicate keys with their path', () => {
    expect(
      problemsOf('{"solution": {"totalNodes": 5, "feeds": [{"name": "a", "name": "b"}], "totalNodes": 7}}'),
    ).toEqual([
      { path: 'solution.feeds[0].name', message: 'duplicate key (JSON would keep only the last one)' },
      { path: 'solution.totalNodes', message: 'duplicate key (JSON would keep only the last one)' },
    ]);
  });

  it('refuses absurd nesting instead of overflowing the stack', () => {
    expect(problemsOf('['.repeat(100_000))[0]?.message).toMatch(/at most 64 levels of nesting/);
  });
});
