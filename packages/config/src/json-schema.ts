import { z } from 'zod';
import { configurationSchema } from './schema/configuration.js';

/**
 * JSON Schema (draft-07, understood by most editors) of what configuration.json may contain,
 * generated from the zod schema. Cross-field rules (node counts, f, duplicate feeds, enabled
 * sources, ...) exist only in zod: run validate-config for the full check.
 */
export function configurationJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(configurationSchema, { io: 'input', target: 'draft-7' }),
    title: 'sp-oracle configuration.json',
    description:
      'Generated from packages/config (npm run -w @oracle/config gen:json-schema); do not edit by hand.',
  };
}
