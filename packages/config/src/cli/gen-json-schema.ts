#!/usr/bin/env node
/** Writes the JSON Schema of configuration.json: `gen-json-schema <output file>`. */
import { writeFileSync } from 'node:fs';
import { configurationJsonSchema } from '../json-schema.js';

const output = process.argv[2];
if (!output) {
  console.error('usage: gen-json-schema <output file>');
  process.exit(2);
}
writeFileSync(output, `${JSON.stringify(configurationJsonSchema(), null, 2)}\n`);
console.log(`wrote ${output}`);
