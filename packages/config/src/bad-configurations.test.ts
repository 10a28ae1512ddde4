import { describe, expect, it } from 'vitest';
import { minimalConfiguration, withChange } from './fixtures/minimal-configuration.js';
import { validateConfiguration } from './validate.js';

type Json = Parameters<typeof withChange>[2];

interface BadCase {
  readonly name: string;
  /** Dotted paths into the minimal configuration and the values they get (undefined removes the key). */
  readonly changes: Readonly<Record<string, Json | undefined>>;
  readonly path: string;
  readonly message: RegExp;
}

const p = 'solution.priceAggregatorConfig';
const disabledKeySources = {
  cryptocompare: { enabled: false },
  finnhub: { enabled: false },
  alphavantage: { enabled: false },
};
const btc = { name: 'BTC / USD', pair: 'BTC/USD', decimals: 8 };
const eth = { name: 'ETH / USD', pair: 'ETH/USD', decimals: 8 };

const cases: BadCase[] = [
  {
    name: 'typo in a key',
    changes: { 'solution.bootstrapNode': [1] },
    path: 'solution.bootstrapNode',
    message: /unknown key \(did you mean "bootstrapNodes"\?\)/,
  },
  {
    name: 'typo in a nested key',
    changes: { [`${p}.sources.binance.ttl`]: 5000 },
    path: `${p}.sources.binance.ttl`,
    message: /did you mean "ttlMs"/,
  },
  {
    name: 'a key of the reference implementation that moved',
    changes: { 'solution.pgPort': 5432 },
    path: 'solution.pgPort',
    message: /now postgres\.port/,
  },
  {
    name: 'signature outside solution',
    changes: { signature: 'abc' },
    path: 'signature',
    message: /^unknown key/,
  },
  {
    name: 'missing required key',
    changes: { 'solution.chainlinkChainId': undefined },
    path: 'solution.chainlinkChainId',
    message: /^required \(number\)$/,
  },
  {
    name: 'missing solution',
    changes: { solution: undefined },
    path: 'solution',
    message: /^required \(object\)$/,
  },
  {
    name: 'numeric string where a number belongs',
    changes: { 'solution.totalNodes': '5' },
    path: 'solution.totalNodes',
    message: /expected a number, got a string: write it without quotes/,
  },
  {
    name: 'boolean as a string',
    changes: { [`${p}.sources.okx.enabled`]: 'false' },
    path: `${p}.sources.okx.enabled`,
    message: /true or false, got a string/,
  },
  {
    name: 'fraction where an integer belongs',
    changes: { 'solution.totalNodes': 4.5 },
    path: 'solution.totalNodes',
    message: /expected int/,
  },
  {
    name: 'too many nodes',
    changes: { 'solution.totalNodes': 33 },
    path: 'solution.totalNodes',
    message: /<=32/,
  },
  { name: 'port out of range', changes: { [`${p}.port`]: 70_000 }, path: `${p}.port`, message: /<=65535/ },
  {
    name: 'plain-text secret',
    changes: { [`${p}.sources.cryptocompare`]: { apiKey: 'sk-live-123' } },
    path: `${p}.sources.cryptocompare.apiKey`,
    message: /cannot be written in the file in clear/,
  },
  {
    name: 'secret reference with both file and env',
    changes: { 'solution.faucetPrivateKey': { file: 'faucet', env: 'FAUCET' } },
    path: 'solution.faucetPrivateKey',
    message: /expected a secret reference/,
  },
  {
    name: 'secret reference to a badly named variable',
    changes: { 'solution.faucetPrivateKey': { env: 'faucet-key' } },
    path: 'solution.faucetPrivateKey.env',
    message: /pattern/,
  },
  {
    name: 'f too high for the oracles',
    changes: { 'solution.ocr.f': 2 },
    path: 'solution.ocr.f',
    message: /f = 2 needs more than 6 oracles \(3f < n\); there are 4 oracles/,
  },
  { name: 'f of zero', changes: { 'solution.ocr.f': 0 }, path: 'solution.ocr.f', message: />=1/ },
  {
    name: 'too few oracles for f >= 1',
    changes: { 'solution.totalNodes': 4 },
    path: 'solution.totalNodes',
    message: /at least 4 oracles; there are 3 oracles \(totalNodes 4 minus 1 bootstrap\)/,
  },
  {
    name: 'bootstrap index out of range',
    changes: { 'solution.bootstrapNodes': [6] },
    path: 'solution.bootstrapNodes[0]',
    message: /node 6 does not exist: nodes are numbered 1\.\.5/,
  },
  {
    name: 'bootstrap listed twice',
    changes: { 'solution.totalNodes': 6, 'solution.bootstrapNodes': [1, 1] },
    path: 'solution.bootstrapNodes[1]',
    message: /node 1 is listed twice/,
  },
  {
    name: 'duplicate feed name',
    changes: { 'solution.feeds': [btc, { ...eth, name: 'BTC / USD' }] },
    path: 'solution.feeds[1].name',
    message: /duplicate name: feeds\[0\] has the same/,
  },
  {
    name: 'duplicate feed pair (case-insensitive)',
    changes: { 'solution.feeds': [btc, { ...eth, pair: 'btc/usd' }] },
    path: 'solution.feeds[1].pair',
    message: /duplicate pair/,
  },
  {
    name: 'duplicate contract address in another case',
    changes: {
      'solution.feeds': [
        { ...btc, contractAddress: `0x${'ab'.repeat(20)}` },
        { ...eth, contractAddress: `0x${'AB'.repeat(20)}` },
      ],
    },
    path: 'solution.feeds[1].contractAddress',
    message: /duplicate contractAddress/,
  },
  {
    name: 'feed observing a disabled source',
    changes: { 'solution.feeds': [{ ...btc, sources: ['binance', 'finnhub'] }] },
    path: 'solution.feeds[0].sources[1]',
    message: /source finnhub is not enabled/,
  },
  {
    name: 'feed observing an unknown source',
    changes: { 'solution.feeds': [{ ...btc, sources: ['binanse'] }] },
    path: 'solution.feeds[0].sources[0]',
    message: /expected one of "binance"/,
  },
  {
    name: "feed whose sources differ from its pair's aggregator entry",
    changes: {
      'solution.feeds': [{ ...btc, sources: ['kraken', 'coinbase'] }],
      [`${p}.pairs`]: [{ pair: 'BTC/USD', sources: ['kraken', { source: 'binance', symbol: 'BTC/USDT' }] }],
    },
    path: 'solution.feeds[0].sources',
    message: /differs from priceAggregatorConfig\.pairs\[0\]\.sources/,
  },
  {
    name: 'feed listing a source twice',
    changes: { 'solution.feeds': [{ ...btc, sources: ['kraken', { source: 'kraken' }] }] },
    path: 'solution.feeds[0].sources[1]',
    message: /source kraken is listed twice/,
  },
  {
    name: 'feed with no source at all',
    changes: {
      [`${p}.sources`]: Object.fromEntries(
        [
          'binance',
          'okx',
          'coingecko',
          'kraken',
          'coinbase',
          'cryptocompare',
          'finnhub',
          'alphavantage',
          'exchangeratehost',
          'frankfurter',
          'yahoofinance',
          'kucoin',
          'bybit',
        ].map((k) => [k, { enabled: false }]),
      ),
    },
    path: 'solution.feeds[0].sources',
    message: /no source to observe/,
  },
  {
    name: 'cryptocompare enabled without an API key',
    changes: { [`${p}.sources`]: { ...disabledKeySources, cryptocompare: {} } },
    path: `${p}.sources.cryptocompare.apiKey`,
    message: /cryptocompare is enabled and needs an API key/,
  },
  {
    name: 'pairsTtl naming a disabled source',
    changes: { [`${p}.pairsTtl`]: [{ pair: 'BTC/USD', source: 'alphavantage', ttlMs: 1000 }] },
    path: `${p}.pairsTtl[0].source`,
    message: /source alphavantage is not enabled/,
  },
  {
    name: 'pairs naming a disabled source',
    changes: {
      [`${p}.pairs`]: [{ pair: 'BTC/USD', sources: ['kraken', { source: 'finnhub', symbol: 'BTC/USDT' }] }],
    },
    path: `${p}.pairs[0].sources[1]`,
    message: /source finnhub is not enabled/,
  },
  {
    name: 'pairs asking for more sources than listed',
    changes: { [`${p}.pairs`]: [{ pair: 'BTC/USD', sources: ['kraken'], minSources: 2 }] },
    path: `${p}.pairs[0].minSources`,
    message: /asks for 2 sources but lists 1/,
  },
  {
    name: 'not an http URL',
    changes: { 'solution.chainlinkRpcHttpUrl': 'ftp://rpc.example.com' },
    path: 'solution.chainlinkRpcHttpUrl',
    message: /expected an http\(s\) URL/,
  },
  {
    name: 'an http URL where a WebSocket belongs',
    changes: { 'solution.chainlinkRpcWsUrl': 'https://rpc.example.com' },
    path: 'solution.chainlinkRpcWsUrl',
    message: /expected a ws\(s\) URL/,
  },
  {
    name: 'bad pair',
    changes: { 'solution.feeds': [{ ...btc, pair: 'BTCUSD' }] },
    path: 'solution.feeds[0].pair',
    message: /expected a pair "BASE\/QUOTE"/,
  },
  {
    name: 'bad address',
    changes: { 'solution.feeds': [{ ...btc, contractAddress: '0x1234' }] },
    path: 'solution.feeds[0].contractAddress',
    message: /0x-prefixed 20-byte hex address/,
  },
  {
    name: 'too many decimals',
    changes: { 'solution.feeds': [{ ...btc, decimals: 37 }] },
    path: 'solution.feeds[0].decimals',
    message: /<=36/,
  },
  {
    name: 'minAnswer above maxAnswer',
    changes: { 'solution.feeds': [{ ...btc, minAnswer: '10', maxAnswer: '-1' }] },
    path: 'solution.feeds[0].maxAnswer',
    message: /greater than minAnswer/,
  },
  {
    name: 'a guard band upside down',
    changes: { 'solution.feeds': [{ ...btc, guard: { band: { min: '100000', max: '1000' } } }] },
    path: 'solution.feeds[0].guard.band.max',
    message: /^must be greater than band\.min \(100000\)$/,
  },
  {
    name: 'a guard band of one price',
    changes: { 'solution.feeds': [{ ...btc, guard: { band: { min: '1000.0', max: '1000' } } }] },
    path: 'solution.feeds[0].guard.band.max',
    message: /greater than band\.min/,
  },
  {
    name: 'a guard band finer than the feed',
    changes: { 'solution.feeds': [{ ...btc, guard: { band: { min: '0.000000001', max: '1000' } } }] },
    path: 'solution.feeds[0].guard.band.min',
    message: /^has 9 fractional digits; the feed has only 8 decimals$/,
  },
  {
    name: 'a guard band price as a JSON number',
    changes: { 'solution.feeds': [{ ...btc, guard: { band: { min: 1000, max: '100000' } } }] },
    path: 'solution.feeds[0].guard.band.min',
    message: /decimal price as a string/,
  },
  {
    name: 'a guard max change of zero',
    changes: { 'solution.feeds': [{ ...btc, guard: { maxChangePpb: 0 } }] },
    path: 'solution.feeds[0].guard.maxChangePpb',
    message: />=1/,
  },
  {
    name: 'an empty guard',
    changes: { 'solution.feeds': [{ ...btc, guard: {} }] },
    path: 'solution.feeds[0].guard',
    message: /^needs maxChangePpb or band \(remove guard to switch it off\)$/,
  },
  {
    name: 'a typo in a guard',
    changes: { 'solution.feeds': [{ ...btc, guard: { maxChangePpb: 5, maxChange: 5 } }] },
    path: 'solution.feeds[0].guard.maxChange',
    message: /did you mean "maxChangePpb"/,
  },
  { name: 'no feeds', changes: { 'solution.feeds': [] }, path: 'solution.feeds', message: />=1 items/ },
  {
    name: 'negative TTL',
    changes: { [`${p}.sources.binance.ttlMs`]: -5 },
    path: `${p}.sources.binance.ttlMs`,
    message: />0/,
  },
  {
    name: 'wei beyond 2^53 as a JSON number',
    changes: { 'solution.faucetMinWei': 2e19 },
    path: 'solution.faucetMinWei',
    message: /write them as decimal strings/,
  },
  {
    name: 'wei as a negative string',
    changes: { 'solution.faucetTopupWei': '-1' },
    path: 'solution.faucetTopupWei',
    message: /non-negative integer as a decimal string/,
  },
  {
    name: 'deltaGrace not below deltaRound',
    changes: { 'solution.ocr.deltaGraceMs': 30_000 },
    path: 'solution.ocr.deltaGraceMs',
    message: /must be less than deltaRoundMs \(30000\)/,
  },
  {
    name: 'deltaRound not below deltaProgress',
    changes: { 'solution.ocr.deltaRoundMs': 35_000 },
    path: 'solution.ocr.deltaRoundMs',
    message: /must be less than deltaProgressMs \(35000\)/,
  },
  {
    name: 'observation timeout longer than a round',
    changes: { 'solution.nodes.observationTimeoutMs': 30_000 },
    path: 'solution.nodes.observationTimeoutMs',
    message: /less than ocr\.deltaRoundMs/,
  },
  {
    name: 'two listeners on one port',
    changes: { 'solution.processMetrics.port': 3000 },
    path: 'solution.processMetrics.port',
    message: /process-metrics \(port 3000\) collides with the price aggregator \(port 3000\)/,
  },
  {
    name: 'node ports overlapping',
    changes: { 'solution.nodes.p2pPortBase': 6602 },
    path: 'solution.nodes.p2pPortBase',
    message: /ports 6603-6607\) collides with the node APIs \(ports 6601-6605\)/,
  },
  {
    name: 'node ports past 65535',
    changes: { 'solution.nodes.apiPortBase': 65_533 },
    path: 'solution.nodes.apiPortBase',
    message: /node 5 would get port 65538/,
  },
  {
    name: 'wrong number of database passwords',
    changes: { 'solution.postgres.passwords': [{ file: 'db/1' }] },
    path: 'solution.postgres.passwords',
    message: /lists 1 passwords for 5 nodes/,
  },
  {
    name: 'database prefix that is not an identifier',
    changes: { 'solution.postgres.databasePrefix': 'chainlink-node' },
    path: 'solution.postgres.databasePrefix',
    message: /SQL identifier/,
  },
  {
    name: 'priority fee above the fee cap',
    changes: { 'solution.gas.maxPriorityFeePerGasWei': '2000000000000' },
    path: 'solution.gas.maxPriorityFeePerGasWei',
    message: /must not exceed maxFeePerGasWei/,
  },
  {
    name: 'relative secrets directory',
    changes: { 'solution.spSecretsDir': 'secrets' },
    path: 'solution.spSecretsDir',
    message: /absolute path/,
  },
  {
    name: 'a secret file outside spSecretsDir (absolute)',
    changes: { 'solution.faucetPrivateKey': { file: '/etc/shadow' } },
    path: 'solution.faucetPrivateKey.file',
    message: /^"\/etc\/shadow" is outside spSecretsDir \(\/sp\/secrets\): secret files must lie under it/,
  },
  {
    name: 'a secret file escaping spSecretsDir with ../',
    changes: { [`${p}.sources.cryptocompare`]: { apiKey: { file: 'api-keys/../../../etc/passwd' } } },
    path: `${p}.sources.cryptocompare.apiKey.file`,
    message: /is outside spSecretsDir/,
  },
  {
    name: 'a secret file that is spSecretsDir itself',
    changes: { 'solution.nodes.keystorePassword': { file: '/sp/secrets/' } },
    path: 'solution.nodes.keystorePassword.file',
    message: /is outside spSecretsDir/,
  },
  {
    name: 'the chainlink key layout without the password of the exports',
    changes: { 'solution.nodes.keys': { layout: 'chainlink' } },
    path: 'solution.nodes.keystorePassword',
    message: /^the chainlink key layout needs the password the keys were exported with/,
  },
  {
    name: "the chainlink key layout's directory outside spSecretsDir",
    changes: {
      'solution.nodes.keys': { layout: 'chainlink', dir: '../cl-secrets' },
      'solution.nodes.keystorePassword': { env: 'CHAINLINK_KEYSTORE_PASSWORD' },
    },
    path: 'solution.nodes.keys.dir',
    message: /^"..\/cl-secrets" is not a directory under spSecretsDir/,
  },
  {
    name: 'an unknown key layout',
    changes: { 'solution.nodes.keys': { layout: 'go' } },
    path: 'solution.nodes.keys.layout',
    message: /sealed.*chainlink/,
  },
  {
    name: 'a directory with the sealed layout',
    changes: { 'solution.nodes.keys': { layout: 'sealed', dir: 'cl-secrets' } },
    path: 'solution.nodes.keys.dir',
    message: /Unrecognized key|unknown key/i,
  },
  {
    name: 'a secrets-dir look-alike',
    changes: { 'solution.faucetPrivateKey': { file: '/sp/secrets-old/faucet' } },
    path: 'solution.faucetPrivateKey.file',
    message: /is outside spSecretsDir/,
  },
  {
    name: 'a proxy URL with a password in clear',
    changes: { [`${p}.proxy`]: 'http://user:hunter2@proxy.example.com:3128' },
    path: `${p}.proxy`,
    message:
      /^a proxy URL must not hold credentials in clear: put the whole URL .* \{"file": "<path>"\}, or use \{"env": "<VARIABLE>"\}$/,
  },
  {
    name: "a source's own proxy URL with credentials",
    changes: { [`${p}.sources.kraken.useProxy`]: 'https://token@proxy.example.com' },
    path: `${p}.sources.kraken.useProxy`,
    message: /must not hold credentials in clear/,
  },
  {
    name: 'metrics push enabled with nowhere to push',
    changes: { [`${p}.metricsPush.enabled`]: true },
    path: `${p}.metricsPush.url`,
    message: /neither url nor targets/,
  },
  {
    name: 'process-metrics push with its own job name',
    changes: { 'solution.processMetrics.push': { jobName: 'x' } },
    path: 'solution.processMetrics.push.jobName',
    message: /^unknown key/,
  },
  {
    name: 'unknown log level',
    changes: { 'solution.nodes.logLevel': 'verbose' },
    path: 'solution.nodes.logLevel',
    message: /expected one of "fatal"/,
  },
];

describe('bad configurations', () => {
  it.each(cases)('$name → $path', ({ changes, path, message }) => {
    let config: object = minimalConfiguration();
    for (const [key, value] of Object.entries(changes)) config = withChange(config, key, value);

    const result = validateConfiguration(config);

    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toEqual([{ path, message: expect.stringMatching(message) }]);
  });

  it('reports every problem at once', () => {
    let config: object = minimalConfiguration();
    config = withChange(config, 'solution.totalNodes', '5');
    config = withChange(config, 'solution.chainlinkRpcHttpUrl', 'nope');
    config = withChange(config, 'solution.extra', true);

    const result = validateConfiguration(config);

    expect(result.ok ? [] : result.error.map((problem) => problem.path).sort()).toEqual([
      'solution.chainlinkRpcHttpUrl',
      'solution.extra',
      'solution.totalNodes',
    ]);
  });

  it('never echoes a proxy password', () => {
    const config = withChange(
      withChange(minimalConfiguration(), 'solution.priceAggregatorConfig.proxy', 'http://u:pr0xy-pa55@p:1'),
      'solution.priceAggregatorConfig.sources.okx.useProxy',
      'http://u:pr0xy-pa55@p:2',
    );

    const result = validateConfiguration(config);

    expect(result.ok ? [] : result.error.map((problem) => problem.path)).toHaveLength(2);
    expect(JSON.stringify(result)).not.toContain('pr0xy-pa55');
  });

  it('takes proxies without credentials, proxies as secret references, and secret files under spSecretsDir', () => {
    const changes: Record<string, Json> = {
      'solution.priceAggregatorConfig.proxy': { env: 'HTTPS_PROXY_URL' },
      'solution.priceAggregatorConfig.sources.okx.useProxy': { file: 'proxies/okx' },
      'solution.priceAggregatorConfig.sources.kraken.useProxy': 'http://proxy.internal:3128',
      'solution.priceAggregatorConfig.sources.binance.useProxy': true,
      'solution.faucetPrivateKey': { file: '/sp/secrets/faucet/key' },
      'solution.nodes.keystorePassword': { file: 'nodes/../keystore-password' },
    };
    let config: object = minimalConfiguration();
    for (const [key, value] of Object.entries(changes)) config = withChange(config, key, value);

    expect(validateConfiguration(config)).toMatchObject({ ok: true });
  });

  it('never echoes a plain-text secret', () => {
    const config = withChange(minimalConfiguration(), 'solution.faucetPrivateKey', 'c0ffee-super-secret');

    const result = validateConfiguration(config);

    expect(JSON.stringify(result)).not.toContain('c0ffee-super-secret');
  });
});
