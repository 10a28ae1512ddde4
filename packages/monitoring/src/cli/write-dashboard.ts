#!/usr/bin/env node
/** Writes the generated Grafana dashboard JSON: `node dist/cli/write-dashboard.js <out.json>`. */
import { writeFile } from 'node:fs/promises';
import { oracleDashboard } from '../dashboard.js';

const out = process.argv[2];
if (!out) {
  console.error('usage: write-dashboard <out.json>');
  process.exit(2);
}
await writeFile(out, `${JSON.stringify(oracleDashboard(), null, 2)}\n`);
console.log(`wrote ${out}`);
