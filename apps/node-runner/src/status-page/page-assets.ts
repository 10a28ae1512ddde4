/**
 * The status page's static files, dependency-free: an HTML shell, its stylesheet and a script that
 * fetches `/don` every 2 s and lays the model out. The script builds every element with
 * createElement and puts data in with text nodes only (no innerHTML), and the page is served with
 * a Content-Security-Policy that allows nothing but these same-origin files and `/don`.
 */

export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>DON status</title>
<link rel="stylesheet" href="/status-page.css">
<script src="/status-page.js" defer></script>
</head>
<body>
<header>
  <h1>DON status</h1>
  <div id="summary" class="summary"></div>
  <div id="updated" class="updated">loading…</div>
</header>
<div id="banner" class="banner" role="alert" hidden></div>
<main>
  <section>
    <h2>Nodes</h2>
    <table id="nodes">
      <thead><tr><th>Node</th><th>Role</th><th>State</th><th>Peer ID</th><th>Connected to</th><th>Transmitter</th><th>Problems</th></tr></thead>
      <tbody></tbody>
    </table>
  </section>
  <section>
    <h2>Feeds</h2>
    <table id="feeds">
      <thead><tr><th>Feed</th><th>On-chain answer</th><th>Age / heartbeat</th><th>Last round</th><th>Transmitted by</th><th>Read at the proxy</th><th>Aggregator median</th><th>Sources</th><th>Deviation</th><th>Nodes: epoch / round, leader</th></tr></thead>
      <tbody></tbody>
    </table>
  </section>
</main>
</body>
</html>
`;

export const PAGE_CSS = `
:root { color-scheme: light; --fg: #1d2330; --muted: #667085; --line: #e4e7ec; --bg: #f6f7f9;
  --ok: #067647; --ok-bg: #dcfae6; --warn: #b54708; --warn-bg: #fef0c7; --bad: #b42318; --bad-bg: #fee4e2; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
header { display: flex; align-items: baseline; gap: 24px; padding: 16px 24px; background: #fff; border-bottom: 1px solid var(--line); }
h1 { margin: 0; font-size: 20px; }
h2 { margin: 24px 0 8px; font-size: 16px; }
main { padding: 0 24px 24px; }
.summary { display: flex; gap: 8px; flex-wrap: wrap; }
.updated { margin-left: auto; color: var(--muted); }
.banner { margin: 12px 24px 0; padding: 8px 12px; border-radius: 6px; background: var(--bad-bg); color: var(--bad); font-weight: 600; }
table { width: 100%; border-collapse: collapse; background: #fff; border: 1px solid var(--line); border-radius: 8px; }
th, td { padding: 8px 10px; text-align: left; vertical-align: top; border-bottom: 1px solid var(--line); }
th { font-size: 12px; font-weight: 600; color: var(--muted); text-transform: uppercase; letter-spacing: .03em; }
tr:last-child td { border-bottom: 0; }
tr.down td, tr.stale td { background: #fff6f5; }
.mono { font-family: ui-monospace, "SF Mono", Menlo, Consolas, monospace; font-size: 13px; }
.num { font-variant-numeric: tabular-nums; }
.big { font-size: 16px; font-weight: 600; }
.muted { color: var(--muted); }
.badge { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 12px; font-weight: 600; white-space: nowrap; }
.badge.ok { color: var(--ok); background: var(--ok-bg); }
.badge.warn { color: var(--warn); background: var(--warn-bg); }
.badge.bad { color: var(--bad); background: var(--bad-bg); }
.badge.plain { color: var(--fg); background: var(--line); }
.chips { display: flex; flex-direction: column; gap: 2px; }
.small { font-size: 12px; }
.nowrap { white-space: nowrap; }
.chips .down { color: var(--bad); font-weight: 600; }
ul.problems { margin: 0; padding-left: 16px; color: var(--bad); }
`;

export const PAGE_JS = `'use strict';
(function () {
  var REFRESH_MS = 2000;
  var lastOkAt;

  /** An element with attributes and children; strings become text nodes, never markup. */
  function el(tag, attributes) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      var value = attributes[name];
      if (value === undefined || value === null || value === false) return;
      if (name === 'class') node.className = value;
      else node.setAttribute(name, String(value));
    });
    for (var i = 2; i < arguments.length; i++) {
      var child = arguments[i];
      if (child === undefined || child === null || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function badge(kind, text) { return el('span', { class: 'badge ' + kind }, text); }

  function duration(seconds) {
    if (seconds < 60) return seconds + ' s';
    if (seconds < 3600) return Math.floor(seconds / 60) + ' min ' + (seconds % 60) + ' s';
    if (seconds < 86400) return Math.floor(seconds / 3600) + ' h ' + Math.floor((seconds % 3600) / 60) + ' min';
    return Math.floor(seconds / 86400) + ' d ' + Math.floor((seconds % 86400) / 3600) + ' h';
  }

  function short(id) {
    return id.length > 18 ? id.slice(0, 10) + '…' + id.slice(-6) : id;
  }

  /** A ratio in ppb as a percentage with at most 3 decimals ("0.193 %", "1 %"). */
  function percent(ppb) { return String(Number((ppb / 1e7).toFixed(3))) + ' %'; }

  function clock(ms) { return new Date(ms).toLocaleTimeString(); }

  function nodeState(node) {
    if (node.state === 'up') return badge('ok', 'up');
    if (node.state === 'unhealthy') return badge('warn', 'unhealthy');
    return el('span', {}, badge('bad', 'down'),
      node.downForSeconds === undefined ? null : ' for ' + duration(node.downForSeconds),
      el('div', { class: 'small muted' },
        node.lastSeenSecondsAgo === undefined ? 'not seen since the page server started'
          : 'last seen ' + duration(node.lastSeenSecondsAgo) + ' ago'));
  }

  function nodeRow(node) {
    var connected = node.connectedNodes.length === 0 ? '—' : node.connectedNodes.join(', ');
    return el('tr', { 'data-node': node.index, 'data-state': node.state, class: node.state === 'down' ? 'down' : '' },
      el('td', { class: 'big num' }, node.index),
      el('td', {}, node.role),
      el('td', { class: 'state' }, nodeState(node)),
      el('td', { class: 'mono', title: node.peerId }, node.peerId ? short(node.peerId) : '—'),
      el('td', { class: 'num peers' }, node.state === 'down' ? '—' : connected,
        node.otherPeers > 0 ? el('span', { class: 'muted' }, ' +' + node.otherPeers + ' other') : null),
      el('td', { class: 'mono', title: node.transmitter }, node.transmitter ? short(node.transmitter) : '—'),
      el('td', {}, node.problems.length === 0 ? el('span', { class: 'muted' }, 'none')
        : el.apply(null, ['ul', { class: 'problems' }].concat(node.problems.map(function (p) { return el('li', {}, p); })))));
  }

  function feedRow(feed, downNodes) {
    var onChain = feed.onChain;
    var age = onChain
      ? el('span', {}, duration(onChain.ageSeconds) + ' / ' + duration(feed.heartbeatSeconds) + ' ',
          onChain.stale ? badge('bad', 'stale') : badge('ok', 'fresh'))
      : badge('warn', 'no answer yet');
    var median = feed.median !== undefined ? el('span', { class: 'big num' }, feed.median)
      : el('span', { class: 'small' }, badge('bad', 'none'), ' ', feed.medianError || '');
    var sources = el('div', { class: 'small' }, feed.contributors.length ? feed.contributors.join(', ') : '—');
    if (feed.rejected.length)
      sources.append(el('div', { class: 'muted' }, 'rejected: ' + feed.rejected.map(function (r) {
        return r.source + ' (' + r.reason + ')';
      }).join(', ')));
    var deviation = feed.deviationPpb === undefined ? '—'
      : el('span', {}, percent(feed.deviationPpb) + ' ', feed.deviates ? badge('bad', 'over') : null,
          el('div', { class: 'muted small' }, 'threshold ' + percent(feed.deviationThresholdPpb)));
    var nodes = el.apply(null, ['div', { class: 'chips small num' }].concat(feed.nodes.map(function (n) {
      if (n.down) return el('span', { 'data-node': n.node, class: 'down' }, 'node ' + n.node + ': down');
      if (n.epoch === undefined) return el('span', { 'data-node': n.node, class: 'muted' }, 'node ' + n.node + ': follows configs');
      var leaderDown = n.leaderNode !== undefined && downNodes.indexOf(n.leaderNode) >= 0;
      return el('span', { 'data-node': n.node }, 'node ' + n.node + ': ' + n.epoch + ' / ' + n.round + ', leader ' +
        (n.leaderNode !== undefined ? 'node ' + n.leaderNode : 'oracle ' + n.leaderOracleId),
        leaderDown ? el('span', { class: 'down' }, ' (down)') : null);
    })));
    var held = feed.held
      ? el('div', { class: 'held small', title: feed.held.detail },
          badge('bad', 'held: ' + feed.held.reason),
          el('div', { class: 'muted' }, feed.held.detail + ' (nodes ' + feed.held.nodes.join(', ') + ')'))
      : null;
    // What consumers read: latestRoundData through the feed's proxy.
    var proxy = !feed.proxy ? '—'
      : feed.proxy.error ? el('span', { title: feed.proxy.address }, badge('bad', 'unreadable'), ' ', feed.proxy.error)
      : el('span', { title: feed.proxy.address }, el('span', { class: 'num' }, feed.proxy.answer),
          el('div', { class: 'muted small' }, 'phase ' + feed.proxy.phaseId + ', round ' + feed.proxy.aggregatorRoundId));
    return el('tr', { 'data-feed': feed.name, class: (onChain && onChain.stale) || feed.held ? 'stale' : '' },
      el('td', { class: 'nowrap' }, el('div', { class: 'big' }, feed.name), el('div', { class: 'muted small' }, feed.pair)),
      el('td', { class: 'answer' }, el('span', { class: 'big num' }, onChain ? onChain.answer : '—'), held),
      el('td', { class: 'age num nowrap' }, age),
      el('td', { class: 'round num nowrap' }, onChain ? 'epoch ' + onChain.epoch + ', round ' + onChain.round : '—'),
      el('td', { class: 'transmitter' }, feed.transmitterNode !== undefined ? 'node ' + feed.transmitterNode : '—'),
      el('td', { class: 'proxy nowrap' }, proxy),
      el('td', { class: 'median' }, median),
      el('td', { class: 'contributors' }, sources),
      el('td', { class: 'deviation num nowrap' }, deviation),
      el('td', {}, nodes));
  }

  function render(model) {
    var up = model.nodes.filter(function (n) { return n.state === 'up'; }).length;
    var down = model.nodes.filter(function (n) { return n.state === 'down'; }).length;
    var stale = model.feeds.filter(function (f) { return !f.onChain || f.onChain.stale; }).length;
    var held = model.feeds.filter(function (f) { return f.held; }).length;
    document.getElementById('summary').replaceChildren(
      badge(up === model.nodes.length ? 'ok' : down > 0 ? 'bad' : 'warn', up + ' / ' + model.nodes.length + ' nodes up'),
      badge(stale === 0 ? 'ok' : 'bad', stale === 0 ? model.feeds.length + ' feeds fresh' : stale + ' / ' + model.feeds.length + ' feeds stale'),
      held === 0 ? '' : badge('bad', held + ' / ' + model.feeds.length + ' feeds held by their guard'),
      model.aggregator.ok ? badge('ok', 'aggregator answers') : badge('bad', 'aggregator: ' + model.aggregator.error));
    document.querySelector('#nodes tbody').replaceChildren.apply(document.querySelector('#nodes tbody'), model.nodes.map(nodeRow));
    var downNodes = model.nodes.filter(function (n) { return n.state === 'down'; }).map(function (n) { return n.index; });
    document.querySelector('#feeds tbody').replaceChildren.apply(document.querySelector('#feeds tbody'),
      model.feeds.map(function (feed) { return feedRow(feed, downNodes); }));
    document.getElementById('updated').textContent = 'updated ' + clock(model.generatedAtMs);
  }

  function showBanner(text) {
    var banner = document.getElementById('banner');
    banner.textContent = text;
    banner.hidden = text === '';
  }

  function refresh() {
    fetch('/don', { cache: 'no-store' })
      .then(function (response) {
        if (!response.ok) throw new Error('HTTP ' + response.status);
        return response.json();
      })
      .then(function (model) {
        lastOkAt = Date.now();
        render(model);
        showBanner('');
      })
      .catch(function () {
        showBanner(lastOkAt === undefined ? 'The node API does not answer.'
          : 'The node API has not answered since ' + clock(lastOkAt) + '; showing the last data.');
      })
      .finally(function () { setTimeout(refresh, REFRESH_MS); });
  }

  refresh();
})();
`;
