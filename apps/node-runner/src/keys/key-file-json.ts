import type { z } from 'zod';

/**
 * Parses a key file's text against its schema. Errors name the file, the format and the first
 * field that does not fit; they never repeat a value.
 */
export function parseKeyFile<T extends z.ZodType>(
  path: string,
  text: string,
  schema: T,
  format: string,
): z.output<T> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`key file ${path} is not valid JSON (truncated?)`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    throw new Error(`key file ${path} is not ${format} (${where}${issue?.message ?? 'unexpected content'})`);
  }
  return parsed.data;
}
