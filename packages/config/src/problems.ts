/** One thing wrong with a configuration: where (a JSON path such as `solution.feeds[0].pair`) and what. */
export interface ConfigurationProblem {
  readonly path: string;
  readonly message: string;
}

/** `["solution", "feeds", 0, "pair"]` → `solution.feeds[0].pair`; keys that are not identifiers are quoted. */
export function formatPath(segments: readonly PropertyKey[]): string {
  let path = '';
  for (const segment of segments) {
    if (typeof segment === 'number') path += `[${segment}]`;
    else if (typeof segment === 'string' && /^[A-Za-z_$][\w$]*$/.test(segment))
      path += path ? `.${segment}` : segment;
    else path += `[${JSON.stringify(String(segment))}]`;
  }
  return path;
}

/** `path: message`, with `(file)` for problems of the whole file. */
export const formatProblem = ({ path, message }: ConfigurationProblem): string =>
  `${path || '(file)'}: ${message}`;

/**
 * A configuration that cannot be used. `problems` lists every issue found; the message repeats
 * them one per line. Neither ever holds a secret value or the file's content.
 */
export class ConfigurationError extends Error {
  readonly problems: readonly ConfigurationProblem[];

  constructor(source: string, problems: readonly ConfigurationProblem[]) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    super(
      [
        `Configuration ${source} cannot be used (${count}):`,
        ...problems.map((p) => `  ${formatProblem(p)}`),
      ].join('\n'),
    );
    this.name = 'ConfigurationError';
    this.problems = problems;
  }
}
