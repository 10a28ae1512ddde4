/**
 * Pure transformations of the Prometheus text exposition format 0.0.4: adding labels to sample
 * lines (merged into existing label sets, escaping preserved) and splitting a body into chunks.
 */

export type Labels = Readonly<Record<string, string>>;

const METRIC_NAME_RE = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME_RE = /^[a-zA-Z_][a-zA-Z0-9_]*/;
/** After the label set: whitespace, the value, an optional integer timestamp. */
const REST_RE = /^[ \t]+(\S+)(?:[ \t]+-?\d+)?[ \t]*$/;

function isSampleValue(text: string): boolean {
  return /^[+-]?(?:Inf|NaN)$/i.test(text) || !Number.isNaN(Number(text));
}

/** Escapes a label value for the text format: backslash, double quote and newline. */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

export interface SampleLine {
  readonly name: string;
  /** Label names with their values exactly as written (still escaped). */
  readonly labels: ReadonlyArray<readonly [name: string, escapedValue: string]>;
  /** Everything after the label set: " <value>[ <timestamp>]". */
  readonly rest: string;
}

/** Splits a sample line into name, labels and the rest; undefined for a line that is not a well-formed sample. */
export function parseSampleLine(line: string): SampleLine | undefined {
  const name = METRIC_NAME_RE.exec(line)?.[0];
  if (!name) return undefined;
  let i = name.length;
  const labels: Array<readonly [string, string]> = [];
  if (line[i] === '{') {
    i++;
    for (;;) {
      while (line[i] === ' ' || line[i] === ',') i++;
      if (line[i] === '}') {
        i++;
        break;
      }
      const labelName = LABEL_NAME_RE.exec(line.slice(i))?.[0];
      if (!labelName) return undefined;
      i += labelName.length;
      while (line[i] === ' ') i++;
      if (line[i] !== '=') return undefined;
      i++;
      while (line[i] === ' ') i++;
      if (line[i] !== '"') return undefined;
      const start = ++i;
      while (i < line.length && line[i] !== '"') i += line[i] === '\\' ? 2 : 1;
      if (i >= line.length) return undefined;
      labels.push([labelName, line.slice(start, i)]);
      i++;
    }
  }
  const rest = line.slice(i);
  const value = REST_RE.exec(rest)?.[1];
  if (value === undefined || !isSampleValue(value)) return undefined;
  return { name, labels, rest };
}

/**
 * Adds `extra` labels to one sample line. Like a Pushgateway grouping key, an added label replaces
 * a label of the same name already on the sample. Comments, blank lines and lines that do not
 * parse are returned unchanged.
 */
export function addLabelsToLine(line: string, extra: Labels): string {
  if (line === '' || line.startsWith('#')) return line;
  const sample = parseSampleLine(line);
  if (!sample) return line;
  const kept = sample.labels
    .filter(([name]) => !Object.hasOwn(extra, name))
    .map(([name, value]) => `${name}="${value}"`);
  const added = Object.entries(extra).map(([name, value]) => `${name}="${escapeLabelValue(value)}"`);
  const all = [...kept, ...added];
  return all.length === 0 ? `${sample.name}${sample.rest}` : `${sample.name}{${all.join(',')}}${sample.rest}`;
}

/** Adds `extra` labels to every sample line of an exposition body. */
export function addLabelsToText(text: string, extra: Labels): string {
  return text
    .split('\n')
    .map((line) => addLabelsToLine(line, extra))
    .join('\n');
}

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
