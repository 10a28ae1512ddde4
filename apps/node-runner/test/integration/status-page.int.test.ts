/**
 * The DON status page on a real DON (local-don.ts: PostgreSQL, anvil, libp2p, the price aggregator
 * over the fake exchange; node 1 bootstrap, 2..5 oracles), opened in headless Chromium: every node
 * and feed with live data, a new round and a killed node shown without a reload, no secret on the
 * page, and a screenshot in <repo>/.artifacts/status-page.png.
 */
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatScaled } from '@oracle/core';
import { makeTempDir, waitFor, type TempDir } from '@oracle/testing';
import { LocalDon } from './local-don.js';

const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
const SCREENSHOT = join(REPO, '.artifacts', 'status-page.png');
const FEEDS = [
  { name: 'BTC / USD', pair: 'BTC/USD', decimals: 8 },
  { name: 'ETH / USD', pair: 'ETH/USD', decimals: 8 },
];
const NODES = [1, 2, 3, 4, 5];

let don: LocalDon;
let profile: TempDir;
let browser: BrowserContext;
let page: Page;
/** Console errors and uncaught exceptions of the page (a CSP violation is a console error). */
const pageErrors: string[] = [];

beforeAll(async () => {
  don = await LocalDon.start({
    totalNodes: 5,
    feeds: FEEDS,
    prices: { 'BTC/USD': '65000.5', 'ETH/USD': '3456.78' },
  });
  await don.startAggregator();
  await don.deploy();
  await don.setConfig();
  await Promise.all(NODES.map((i) => don.startNode(i)));
  await waitFor(
    async () => {
      const answers = await Promise.all(FEEDS.map((f) => don.latestRoundData(f.name)));
      return answers.every((a) => a.answer > 0n);
    },
    { timeoutMs: 60_000, what: 'an on-chain answer on every feed' },
  );
  profile = await makeTempDir('chromium-profile');
  browser = await chromium.launchPersistentContext(profile.path, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1440, height: 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  page = await browser.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(message.text());
  });
  page.on('pageerror', (error) => pageErrors.push(error.message));
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await profile?.remove();
  await don?.stop();
});

const pageUrl = (): string => `${don.node(1).apiUrl}/`;

/** The text of a cell of a feed's row. */
const feedCell = (feed: string, cell: string): Promise<string> =>
  page.locator(`#feeds tr[data-feed="${feed}"] td.${cell}`).innerText();

describe('the DON status page', () => {
  it('renders every node and every feed with live data', async () => {
    await page.goto(pageUrl());
    await waitFor(async () => (await page.locator('#nodes tr[data-state="up"]').count()) === NODES.length, {
      timeoutMs: 20_000,
      what: 'every node shown up',
    });
    for (const index of NODES) {
      const row = page.locator(`#nodes tr[data-node="${index}"]`);
      expect(await row.locator('td').nth(1).innerText()).toBe(index === 1 ? 'bootstrap' : 'oracle');
      const { peerId } = don.keys.find((k) => k.node === index) ?? {};
      expect(await row.locator('td').nth(3).getAttribute('title')).toBe(peerId);
      // A full mesh: each node is connected to the 4 others.
      expect(await row.locator('td.peers').innerText()).toBe(NODES.filter((i) => i !== index).join(', '));
    }
    for (const feed of FEEDS) {
      // The prices stand still (deviation under 1 %, heartbeat 1 h): the contract keeps its answer.
      const onChain = await don.latestRoundData(feed.name);
      // The node whose transaction carried the contract's latest NewTransmission.
      const last = (await don.transmissions(feed.name)).at(-1);
      const sender = don.keys.find(
        (k) => k.transmitterAddress.toLowerCase() === last?.transmitter.toLowerCase(),
      );
      // The nodes read the contract on their own schedule: give the page a few refreshes.
      await waitFor(
        async () =>
          (await feedCell(feed.name, 'answer')) === formatScaled(onChain.answer, feed.decimals) &&
          (await feedCell(feed.name, 'transmitter')) === `node ${sender?.node}`,
        { timeoutMs: 10_000, what: `the on-chain answer and transmitter of ${feed.name}` },
      );
      expect(await feedCell(feed.name, 'median')).toMatch(/^\d+(\.\d+)?$/);
      expect(await feedCell(feed.name, 'contributors')).toContain('binance');
      expect(await feedCell(feed.name, 'age')).toContain('fresh');
      // What consumers read, through the feed's proxy: the same answer, in phase 1.
      expect(await feedCell(feed.name, 'proxy')).toMatch(
        new RegExp(
          `^${formatScaled(onChain.answer, feed.decimals).replace('.', '\\.')}\\s+phase 1, round \\d+$`,
        ),
      );
    }
    expect(await page.locator('#feeds tr[data-feed="BTC / USD"] td.median').innerText()).toBe('65000.5');
  });

  it('updates without a reload: the answer age ticks and a new round shows', async () => {
    const before = await page.locator('#updated').innerText();
    await waitFor(async () => (await page.locator('#updated').innerText()) !== before, {
      timeoutMs: 10_000,
      what: 'the page to refresh itself',
    });
    const roundBefore = await feedCell('BTC / USD', 'round');
    don.setPrice('BTC/USD', '68250.25');
    await waitFor(async () => (await feedCell('BTC / USD', 'answer')) === '68250.25', {
      timeoutMs: 40_000,
      what: 'the new on-chain answer on the page',
    });
    expect(await feedCell('BTC / USD', 'round')).not.toBe(roundBefore);
    expect(await feedCell('BTC / USD', 'median')).toBe('68250.25');
    const { answer } = await don.latestRoundData('BTC / USD');
    expect(answer).toBe(6_825_025_000_000n);
  });

  it('shows a killed node down, with for how long, and the rest still up', async () => {
    await don.node(5).kill();
    const row = page.locator('#nodes tr[data-node="5"]');
    await waitFor(async () => (await row.getAttribute('data-state')) === 'down', {
      timeoutMs: 15_000,
      what: 'node 5 shown down',
    });
    expect(await row.locator('td.state').innerText()).toMatch(/^down for \d+ s\s+last seen \d+ s ago$/);
    expect(await row.getAttribute('class')).toBe('down');
    expect(await page.locator('#nodes tr[data-state="down"]').count()).toBe(1);
    // The other nodes drop node 5 from their connections.
    await waitFor(
      async () => !(await page.locator('#nodes tr[data-node="2"] td.peers').innerText()).includes('5'),
      {
        timeoutMs: 20_000,
        what: 'node 2 no longer connected to node 5',
      },
    );
    expect(await page.locator('#summary').innerText()).toContain('4 / 5 nodes up');
    for (const feed of FEEDS)
      expect(
        await page.locator(`#feeds tr[data-feed="${feed.name}"] .chips [data-node="5"]`).innerText(),
      ).toBe('node 5: down');
    // The last transmitter stays named while its round is the latest, even if it was node 5.
    for (const feed of FEEDS) expect(await feedCell(feed.name, 'transmitter')).toMatch(/^node [2-5]$/);
    await mkdir(join(REPO, '.artifacts'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  });

  it('shows no secret, loads nothing the content security policy blocks, and logs no error', async () => {
    const texts = [await page.content(), await (await fetch(`${don.node(1).apiUrl}/don`)).text()];
    const secrets = await secretValues(don.secretsDir);
    expect(secrets.length).toBeGreaterThan(0);
    for (const secret of secrets) for (const text of texts) expect(text).not.toContain(secret);
    expect(pageErrors).toEqual([]);
  });
});

/** The plaintext secrets the DON was given or generated (passwords, the faucet key); key files are sealed JSON. */
async function secretValues(dir: string): Promise<string[]> {
  const values: string[] = [];
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || entry.name.endsWith('.json')) continue;
    const text = (await readFile(join(entry.parentPath, entry.name), 'utf8')).trim();
    if (text.length >= 16) values.push(text);
  }
  return values;
}
