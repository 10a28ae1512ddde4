import { Script } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { PAGE_HTML, PAGE_JS } from './page-assets.js';

describe('the status page assets', () => {
  it('has a script that parses', () => {
    expect(() => new Script(PAGE_JS, { filename: 'status-page.js' })).not.toThrow();
  });

  it('puts data into the page as text only', () => {
    for (const sink of [
      'innerHTML',
      'outerHTML',
      'insertAdjacentHTML',
      'document.write',
      'eval(',
      'new Function',
    ])
      expect(PAGE_JS).not.toContain(sink);
    expect(PAGE_JS).toContain('document.createTextNode(String(child))');
  });

  it('has no inline script or style, which the content security policy would block', () => {
    expect(PAGE_HTML).not.toMatch(/<script>|<style|\sstyle=|\son[a-z]+=/);
  });
});
