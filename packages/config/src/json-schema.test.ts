import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { minimalConfiguration, withChange } from './fixtures/minimal-configuration.js';
import { configurationJsonSchema } from './json-schema.js';

const repoFile = (name: string): unknown =>
  JSON.parse(readFileSync(fileURLToPath(new URL(`../../../${name}`, import.meta.url)), 'utf8'));

describe('configuration.schema.json', () => {
  it('is up to date with the zod schema (npm run -w @oracle/config gen:json-schema)', () => {
    expect(repoFile('configuration.schema.json')).toEqual(configurationJsonSchema());
  });

  describe('as an editor would use it', () => {
    const validate = new Ajv({ strict: false, validateFormats: false, allErrors: true }).compile(
      configurationJsonSchema(),
    );

    it('accepts the example and the smallest configuration', () => {
      expect(validate(repoFile('configuration.example.json')), JSON.stringify(validate.errors)).toBe(true);
      expect(validate(minimalConfiguration()), JSON.stringify(validate.errors)).toBe(true);
    });

    it('flags unknown keys and plain-text secrets', () => {
      expect(validate(withChange(minimalConfiguration(), 'solution.totalNode', 5))).toBe(false);
      expect(validate.errors?.map((e) => e.params)).toContainEqual({ additionalProperty: 'totalNode' });
      expect(validate(withChange(minimalConfiguration(), 'solution.faucetPrivateKey', 'in clear'))).toBe(
        false,
      );
    });
  });
});
