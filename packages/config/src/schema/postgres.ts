import { z } from 'zod';
import { portSchema, secretRefSchema } from './common.js';

/** Room for the `_<node index>` suffix within PostgreSQL's 63-byte identifiers. */
const identifierPrefixSchema = z.string().regex(/^[a-z_][a-z0-9_]{0,59}$/, {
  error: 'expected a lower-case SQL identifier (letters, digits, _) of at most 60 characters',
});

export const postgresSchema = z.strictObject({
  host: z.string().min(1).default('127.0.0.1'),
  port: portSchema.default(5432),
  databasePrefix: identifierPrefixSchema
    .default('chainlink_node')
    .describe('Node i uses the database <databasePrefix>_<i>'),
  rolePrefix: identifierPrefixSchema
    .default('chainlink_node')
    .describe('Node i connects as the role <rolePrefix>_<i>, owner of its database only'),
  passwords: z
    .array(secretRefSchema)
    .optional()
    .describe(
      'One password per node, in node order; when absent each is generated on first boot into <spSecretsDir>/nodes/<i>/db-password',
    ),
});
