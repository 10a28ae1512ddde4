import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { configurationJsonSchema } from './json-schema.js';

/** Every property name anywhere in the JSON Schema. */
function propertyNames(node: unknown, names = new Set<string>()): Set<string> {
  if (Array.isArray(node)) node.forEach((item) => propertyNames(item, names));
  else if (typeof node === 'object' && node !== null) {
    const { properties } = node as { properties?: Record<string, unknown> };
    if (properties) Object.keys(properties).forEach((name) => names.add(name));
    Object.values(node).forEach((child) => propertyNames(child, names));
  }
  return names;
}

describe('README.md', () => {
  it('mentions every configuration key in code', () => {
    const readme = readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');
    const documented = new Set(
      [...readme.matchAll(/`([^`\n]+)`/g)].flatMap(([, code]) => code?.match(/[$\w]+/g) ?? []),
    );

    const missing = [...propertyNames(configurationJsonSchema())].filter((name) => !documented.has(name));

    expect(missing).toEqual([]);
  });
});
