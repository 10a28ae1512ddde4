/**
 * Splitting a Prometheus text exposition (format 0.0.4) into bodies of a bounded number of
 * samples. Labels are never rewritten here: VictoriaMetrics adds the pusher's labels itself
 * (`extra_label`, see requests.ts), Pushgateway takes them from the URL.
 */

export type Labels = Readonly<Record<string, string>>;

interface Family {
  readonly name: string;
  readonly comments: string[];
  readonly samples: string[];
}

function commentMetricName(line: string): string {
  return line.split(/\s+/)[2] ?? '';
}

function toFamilies(text: string): Family[] {
  const families: Family[] = [];
  let current: Family | undefined;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    if (line.startsWith('#')) {
      const name = commentMetricName(line);
      if (!current || current.samples.length > 0 || current.name !== name) {
        current = { name, comments: [], samples: [] };
        families.push(current);
      }
      current.comments.push(line);
    } else {
      if (!current) {
        current = { name: '', comments: [], samples: [] };
        families.push(current);
      }
      current.samples.push(line);
    }
  }
  return families;
}

/**
 * Splits an exposition body into bodies of at most `maxSamples` sample lines each. A metric
 * family cut across chunks has its # HELP / # TYPE lines repeated at the top of each part, so
 * every chunk is a valid body on its own. Families without samples are dropped.
 */
export function chunkExposition(text: string, maxSamples: number): string[] {
  if (!Number.isInteger(maxSamples) || maxSamples < 1)
    throw new RangeError(`maxSamples must be a positive integer, got ${maxSamples}`);
  const chunks: string[] = [];
  let lines: string[] = [];
  let samples = 0;
  for (const family of toFamilies(text)) {
    let headerWritten = false;
    for (const sample of family.samples) {
      if (samples === maxSamples) {
        chunks.push(`${lines.join('\n')}\n`);
        lines = [];
        samples = 0;
        headerWritten = false;
      }
      if (!headerWritten) {
        lines.push(...family.comments);
        headerWritten = true;
      }
      lines.push(sample);
      samples++;
    }
  }
  if (samples > 0) chunks.push(`${lines.join('\n')}\n`);
  return chunks;
}
