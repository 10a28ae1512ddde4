import { parseArgs } from 'node:util';
import { STANDARD_SCRYPT, scryptNSchema } from './scrypt.js';

export const USAGE = `Usage:
  keys generate --nodes <n> --out <secrets dir> [--passphrase-env <VAR>]
      Creates the missing keys of nodes 1..n under <secrets dir>/nodes/<i>/ (never replaces a key).
  keys public --nodes <n> --dir <secrets dir> [--passphrase-env <VAR>]
      Loads the keys of nodes 1..n.
  keys public --layout chainlink --nodes <n> --dir <chainlink dir> --chainlink-password-env <VAR>
      Loads the Chainlink key exports <chainlink dir>/<i>/{evm_key,p2p_key,ocr_key}.json of nodes 1..n.
  keys import --nodes <n> --from <chainlink dir> --chainlink-password-env <VAR> --out <secrets dir> [--passphrase-env <VAR>]
      Moves a Chainlink deployment's keys into the sealed layout: <chainlink dir>/<i>/'s three files
      become <secrets dir>/nodes/<i>/{p2p-key.json,ocr-key.json}. Refuses to replace a key.
  keys export --nodes <n> --dir <secrets dir> [--passphrase-env <VAR>] --out <chainlink dir> --chainlink-password-env <VAR> [--scrypt-n <n>]
      Writes the sealed keys of nodes 1..n as Chainlink's three files, <chainlink dir>/<i>/{evm_key,
      p2p_key,ocr_key}.json (what "chainlink keys eth|p2p|ocr import" and "keys import" read), scrypt
      n = 262144 unless --scrypt-n says otherwise (lower values are for tests). Refuses to replace a file.
Every command prints the public keys as JSON, one entry per node: what setConfig needs.
The sealed layout's files are sealed with the passphrase in the environment variable <VAR> of
--passphrase-env (the configuration's nodes.keystorePassword), or else with each node's generated
<secrets dir>/nodes/<i>/keystore-password. Chainlink's files are encrypted with the password in the
environment variable of --chainlink-password-env (CHAINLINK_KEYSTORE_PASSWORD in the reference).`;

export type Command = 'generate' | 'public' | 'import' | 'export';

export interface Options {
  readonly command: Command;
  readonly nodes: number;
  /** The sealed layout's secrets directory, when the command reads or writes it. */
  readonly secretsDir: string | undefined;
  /** The Chainlink layout's directory (<i>/ per node), when the command reads or writes it. */
  readonly chainlinkDir: string | undefined;
  readonly passphraseEnv: string | undefined;
  readonly chainlinkPasswordEnv: string | undefined;
  readonly scryptN: number;
}

const COMMANDS: readonly string[] = ['generate', 'public', 'import', 'export'];

export function parseOptions(argv: string[]): Options {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      nodes: { type: 'string' },
      out: { type: 'string' },
      dir: { type: 'string' },
      from: { type: 'string' },
      layout: { type: 'string' },
      'passphrase-env': { type: 'string' },
      'chainlink-password-env': { type: 'string' },
      'scrypt-n': { type: 'string' },
    },
  });
  const [command, ...extra] = positionals;
  if (command === undefined || !COMMANDS.includes(command) || extra.length > 0)
    throw new Error('expected one command: generate, public, import or export');
  const nodes = Number(values.nodes);
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > 64)
    throw new Error('--nodes must be an integer from 1 to 64');
  const layout = values.layout ?? 'sealed';
  if (layout !== 'sealed' && layout !== 'chainlink') throw new Error('--layout must be sealed or chainlink');
  if (layout === 'chainlink' && command !== 'public') throw new Error('--layout is an option of public only');
  const need = (value: string | undefined, what: string): string => {
    if (!value) throw new Error(`${command} needs ${what}`);
    return value;
  };
  const secretsDirOf: Record<Command, () => string | undefined> = {
    generate: () => need(values.out, '--out <secrets dir>'),
    public: () => (layout === 'sealed' ? need(values.dir, '--dir <secrets dir>') : undefined),
    import: () => need(values.out, '--out <secrets dir>'),
    export: () => need(values.dir, '--dir <secrets dir>'),
  };
  const chainlinkDirOf: Record<Command, () => string | undefined> = {
    generate: () => undefined,
    public: () => (layout === 'chainlink' ? need(values.dir, '--dir <chainlink dir>') : undefined),
    import: () => need(values.from, '--from <chainlink dir>'),
    export: () => need(values.out, '--out <chainlink dir>'),
  };
  const secretsDir = secretsDirOf[command as Command]();
  const chainlinkDir = chainlinkDirOf[command as Command]();
  if (chainlinkDir !== undefined) need(values['chainlink-password-env'], '--chainlink-password-env <VAR>');
  const scryptN = values['scrypt-n'] === undefined ? STANDARD_SCRYPT.n : Number(values['scrypt-n']);
  if (!scryptNSchema.safeParse(scryptN).success)
    throw new Error('--scrypt-n must be a power of two from 2 to 262144');
  if (values['scrypt-n'] !== undefined && command !== 'export')
    throw new Error('--scrypt-n is an option of export only');
  return {
    command: command as Command,
    nodes,
    secretsDir,
    chainlinkDir,
    passphraseEnv: values['passphrase-env'],
    chainlinkPasswordEnv: values['chainlink-password-env'],
    scryptN,
  };
}
