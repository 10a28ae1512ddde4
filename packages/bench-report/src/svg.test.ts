import { describe, expect, it } from 'vitest';
import { parseXml } from '../test/xml.js';
import { el, escapeXml, render, svgDocument } from './svg.js';

describe('svg writer', () => {
  it('escapes text and attributes', () => {
    expect(escapeXml(`a < b & "c" > 'd'`)).toBe('a &lt; b &amp; &quot;c&quot; &gt; &apos;d&apos;');
    expect(render(el('text', { 'data-x': 'p99 <= 10 & "ok"' }, 'GET /q?a=1&b=<2>'))).toBe(
      '<text data-x="p99 &lt;= 10 &amp; &quot;ok&quot;">GET /q?a=1&amp;b=&lt;2&gt;</text>',
    );
  });

  it('rounds coordinates and self-closes empty elements', () => {
    expect(render(el('rect', { x: 1 / 3, width: 10 }))).toBe('<rect x="0.33" width="10"/>');
  });

  it('writes a well-formed document with a white background', () => {
    const doc = svgDocument(200, 100, el('g', {}, el('text', { x: 1 }, '≤ 1 s & more')));
    const elements = parseXml(doc);
    expect(elements.map((e) => e.name)).toEqual(['svg', 'rect', 'g', 'text']);
    expect(elements[0]?.attrs).toMatchObject({ width: '200', height: '100', viewBox: '0 0 200 100' });
    expect(elements[3]?.text).toBe('≤ 1 s & more');
  });

  it('the test reader rejects what is not well-formed', () => {
    expect(() => parseXml('<svg><g></svg>')).toThrow();
    expect(() => parseXml('<svg>a & b</svg>')).toThrow();
    expect(() => parseXml('<svg a="1" a="2"/>')).toThrow();
    expect(() => parseXml('<svg/><svg/>')).toThrow();
  });
});
