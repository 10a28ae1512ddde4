import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { generateKeyPair, privateKeyToProtobuf } from '@libp2p/crypto/keys';
import type { Libp2p, PrivateKey, Stream } from '@libp2p/interface';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import { tcp } from '@libp2p/tcp';
import { multiaddr } from '@multiformats/multiaddr';
import { createLogger } from '@oracle/logger';
import { freePort, waitFor } from '@oracle/testing';
import { createLibp2p } from 'libp2p';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Libp2pTransport,
  MESSAGE_PROTOCOL,
  type BootstrapPeer,
} from '../../src/adapters/libp2p-transport.js';
import {
  decodeMessage,
  encodeFrame,
  encodeMessage,
  FrameDecoder,
} from '../../src/adapters/libp2p-transport-framing.js';
import {
  decodePeerRecords,
  PEER_EXCHANGE_PROTOCOL,
  readOneFrame,
} from '../../src/adapters/libp2p-transport-peer-exchange.js';
import type {
  DropReason,
  InboundMessage,
  MessageDirection,
  TransportMetrics,
} from '../../src/ports/transport.js';

const DIST_TRANSPORT = fileURLToPath(new URL('../../dist/adapters/libp2p-transport.js', import.meta.url));
const logger = createLogger({ service: 'p2p-test', level: process.env.TEST_LOG_LEVEL ?? 'silent' });
// ioTimeoutMs also bounds how long an inbound stream may stay silent (shorter than the default 5 s).
const limits = { maxMessagesPerSecond: 100, messageBurst: 200, ioTimeoutMs: 2_000 };
const fastRedial = { initialDelayMs: 100, maxDelayMs: 1_000, multiplier: 2, jitter: 0 };

interface Identity {
  readonly key: PrivateKey;
  readonly peerId: string;
  readonly port: number;
}

async function identity(): Promise<Identity> {
  const key = await generateKeyPair('Ed25519');
  return { key, peerId: peerIdFromPrivateKey(key).toString(), port: await freePort() };
}

class CountingMetrics implements TransportMetrics {
  readonly drops: { peerId: string; direction: MessageDirection; reason: DropReason }[] = [];
  sent = 0;
  received = 0;
  messageSent(): void {
    this.sent++;
  }
  messageReceived(): void {
    this.received++;
  }
  messageDropped(peerId: string, direction: MessageDirection, reason: DropReason): void {
    this.drops.push({ peerId, direction, reason });
  }
  count(reason: DropReason, direction: MessageDirection = 'inbound'): number {
    return this.drops.filter((d) => d.reason === reason && d.direction === direction).length;
  }
}

interface RunningNode {
  readonly id: Identity;
  readonly transport: Libp2pTransport;
  readonly metrics: CountingMetrics;
  readonly inbox: InboundMessage[];
}

function startNode(id: Identity, bootstrap: BootstrapPeer[], allowed: string[]): Promise<RunningNode> {
  const metrics = new CountingMetrics();
  const transport = new Libp2pTransport({
    privateKey: id.key,
    listenPort: id.port,
    bootstrapPeers: bootstrap,
    limits,
    reconcileIntervalMs: 200,
    redialBackoff: fastRedial,
    metrics,
    logger,
  });
  const inbox: InboundMessage[] = [];
  transport.onMessage((m) => inbox.push(m));
  transport.setAllowedPeers(allowed);
  return transport.start().then(() => ({ id, transport, metrics, inbox }));
}

const text = (m: InboundMessage): string => new TextDecoder().decode(m.payload);

/**
 * Oracle 4 runs in a child process on the compiled transport, so the test can SIGKILL it.
 * It broadcasts "<label> <n>" every 100 ms and prints every message it receives as a JSON line.
 */
function spawnOracle(
  id: Identity,
  bootstrap: BootstrapPeer[],
  allowed: string[],
  label: string,
): { child: ChildProcess; lines: string[] } {
  const script = `
    import { privateKeyFromProtobuf } from '@libp2p/crypto/keys';
    import { createLogger } from '@oracle/logger';
    const { Libp2pTransport } = await import(${JSON.stringify(DIST_TRANSPORT)});
    const cfg = JSON.parse(process.env.P2P_NODE);
    const transport = new Libp2pTransport({
      privateKey: privateKeyFromProtobuf(Buffer.from(cfg.key, 'hex')),
      listenPort: cfg.port, bootstrapPeers: cfg.bootstrap, reconcileIntervalMs: 200,
      redialBackoff: { initialDelayMs: 100, maxDelayMs: 1000, multiplier: 2, jitter: 0 },
      logger: createLogger({ service: 'p2p-child', level: 'silent' }),
    });
    transport.onMessage((m) => process.stdout.write(JSON.stringify({ from: m.from, tag: m.tag, text: Buffer.from(m.payload).toString() }) + '\\n'));
    transport.setAllowedPeers(cfg.allowed);
    await transport.start();
    let n = 0;
    setInterval(() => transport.broadcast('feed-a', Buffer.from(cfg.label + ' ' + n++)), 100);
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
    env: {
      ...process.env,
      P2P_NODE: JSON.stringify({
        key: Buffer.from(privateKeyToProtobuf(id.key)).toString('hex'),
        port: id.port,
        bootstrap,
        allowed,
        label,
      }),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => lines.push(line));
  return { child, lines };
}

function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

async function rawNode(key: PrivateKey): Promise<Libp2p> {
  return createLibp2p({
    privateKey: key,
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
  });
}

describe('libp2p transport on loopback', () => {
  let bootstrapId: Identity;
  let oracleIds: Identity[];
  let probeId: Identity;
  let abuserId: Identity;
  let requesterId: Identity;
  let bootstrapPeers: BootstrapPeer[];
  let allowed: string[];
  let bootstrapNode: RunningNode;
  let oracles: RunningNode[];
  let remote: { child: ChildProcess; lines: string[] } | undefined;
  const extra: { stop(): void | Promise<void> }[] = [];

  beforeAll(async () => {
    if (!existsSync(DIST_TRANSPORT))
      throw new Error(`build first (npx tsc -b apps/node-runner): ${DIST_TRANSPORT} is missing`);
    bootstrapId = await identity();
    oracleIds = [await identity(), await identity(), await identity(), await identity()];
    // An allow-listed identity the test drives by hand to send malformed traffic.
    probeId = await identity();
    // An allow-listed identity that opens streams and abandons them.
    abuserId = await identity();
    requesterId = await identity();
    bootstrapPeers = [{ peerId: bootstrapId.peerId, host: '127.0.0.1', port: bootstrapId.port }];
    allowed = [...oracleIds.map((o) => o.peerId), probeId.peerId, abuserId.peerId, requesterId.peerId];
    bootstrapNode = await startNode(bootstrapId, bootstrapPeers, allowed);
    // Oracles know only the bootstrap's address; each other's they learn through it.
    oracles = await Promise.all(oracleIds.slice(0, 3).map((id) => startNode(id, bootstrapPeers, allowed)));
    remote = spawnOracle(oracleIds[3] as Identity, bootstrapPeers, allowed, 'first-life');
  });

  afterAll(async () => {
    if (remote) await kill(remote.child);
    await Promise.all(
      [...extra, ...(oracles ?? []).map((o) => o.transport), bootstrapNode?.transport].map((t) => t?.stop()),
    );
  });

  it('forms a full mesh through the bootstrap and carries messages both ways', async () => {
    const oraclePeerIds = oracleIds.map((o) => o.peerId);
    for (const node of oracles) {
      const others = [bootstrapId.peerId, ...oraclePeerIds.filter((p) => p !== node.id.peerId)];
      await waitFor(() => others.every((p) => node.transport.connectedPeers().includes(p)), {
        timeoutMs: 20_000,
        what: `node ${node.id.peerId} connected to every other node`,
      });
    }
    for (const [i, node] of oracles.entries())
      node.transport.broadcast('feed-a', new TextEncoder().encode(`hello from ${i}`));
    for (const [i, node] of oracles.entries()) {
      const expected = oracles.filter((_, j) => j !== i).map((o) => o.id.peerId);
      await waitFor(
        () =>
          expected.every((from) =>
            node.inbox.some((m) => m.from === from && m.tag === 'feed-a' && text(m).startsWith('hello')),
          ),
        {
          what: `oracle ${i} received hello from every other in-process oracle`,
        },
      );
      await waitFor(
        () => node.inbox.some((m) => m.from === oracleIds[3]?.peerId && text(m).startsWith('first-life')),
        {
          what: `oracle ${i} received from the child-process oracle`,
        },
      );
    }
    await waitFor(
      () =>
        oracles.every((o) => remote?.lines.some((l) => l.includes(`hello from`) && l.includes(o.id.peerId))),
      {
        what: 'the child-process oracle received from every in-process oracle',
      },
    );
    // The bootstrap is not an oracle: broadcasts never reach it.
    expect(bootstrapNode.inbox).toEqual([]);
    expect(oracles[0]?.metrics.sent).toBeGreaterThanOrEqual(3);
  });

  it('refuses a peer that is not on the allow list, inbound and outbound', async () => {
    const outsiderId = await identity();
    const outsider = await startNode(outsiderId, bootstrapPeers, allowed);
    extra.push(outsider.transport);
    const raw = await rawNode(outsiderId.key);
    extra.push(raw);
    const target = oracles[0] as RunningNode;
    // The dialler may finish its side of the upgrade before the oracle's gater closes the
    // connection, so the proof is that no stream ever opens and the oracle never lists it.
    const address = multiaddr(`/ip4/127.0.0.1/tcp/${target.id.port}/p2p/${target.id.peerId}`);
    const opened = await raw.dialProtocol(address, MESSAGE_PROTOCOL).then(
      () => true,
      () => false,
    );
    expect(opened).toBe(false);
    // Oracles refuse to dial it too, even when asked directly.
    expect(target.transport.send(outsiderId.peerId, 'feed-a', new Uint8Array([1]))).toBe(false);
    expect(target.metrics.count('not-allowed', 'outbound')).toBe(1);
    // The outsider keeps dialling the peers it was told of, and may count a connection for the
    // moment until the other side's gater closes it: no such connection lasts, and no node of the
    // DON ever lists the outsider.
    await waitFor(() => outsider.transport.connectedPeers().length === 0, {
      what: "the outsider's dialled connections closed",
    });
    for (const node of [bootstrapNode, ...oracles])
      expect(node.transport.connectedPeers()).not.toContain(outsiderId.peerId);
  });

  it('drops and counts oversize, malformed and rate-limited frames, and keeps serving the peer', async () => {
    const target = oracles[0] as RunningNode;
    const probe = await rawNode(probeId.key);
    extra.push(probe);
    const address = multiaddr(`/ip4/127.0.0.1/tcp/${target.id.port}/p2p/${target.id.peerId}`);
    const open = (): Promise<Stream> => probe.dialProtocol(address, MESSAGE_PROTOCOL);
    const fromProbe = (): InboundMessage[] => target.inbox.filter((m) => m.from === probeId.peerId);

    const stream = await open();
    stream.send(encodeFrame(new Uint8Array([200, 1, 2, 3]))); // tag longer than the frame
    stream.send(encodeFrame(new Uint8Array([])));
    stream.send(
      encodeFrame(encodeMessage('feed-a', new TextEncoder().encode('after garbage')) as Uint8Array),
    );
    await waitFor(() => fromProbe().some((m) => text(m) === 'after garbage'), {
      what: 'the valid frame after garbage',
    });
    expect(target.metrics.count('malformed')).toBe(2);

    const oversizeHeader = new Uint8Array(4);
    new DataView(oversizeHeader.buffer).setUint32(0, 1024 * 1024);
    stream.send(oversizeHeader);
    await waitFor(() => target.metrics.count('oversize') === 1, { what: 'the oversize frame counted' });
    await waitFor(() => stream.status !== 'open', { what: 'the stream with an oversize frame reset' });

    const second = await open();
    const burst = 400;
    for (let i = 0; i < burst; i++)
      second.send(encodeFrame(encodeMessage('feed-a', new TextEncoder().encode(`burst ${i}`)) as Uint8Array));
    await waitFor(
      () =>
        fromProbe().filter((m) => text(m).startsWith('burst')).length +
          target.metrics.count('rate-limited') ===
        burst,
      {
        what: 'every burst frame delivered or rate-limited',
      },
    );
    expect(target.metrics.count('rate-limited')).toBeGreaterThanOrEqual(burst - limits.messageBurst - 50);

    const oversized = new Uint8Array(64 * 1024);
    expect(target.transport.send(oracleIds[1]?.peerId as string, 'feed-a', oversized)).toBe(false);
    expect(target.metrics.count('oversize', 'outbound')).toBe(1);
  });

  it('cleans up streams an allowed peer abandons or half-closes, and keeps carrying its traffic both ways', async () => {
    const target = oracles[1] as RunningNode;
    const abuser = await rawNode(abuserId.key);
    extra.push(abuser);
    // The abuser also answers the message protocol, so the target can send to it.
    const toAbuser: string[] = [];
    await abuser.handle(MESSAGE_PROTOCOL, (stream) => {
      const decoder = new FrameDecoder(64 * 1024);
      stream.addEventListener('message', (event) => {
        const frames = decoder.push(event.data instanceof Uint8Array ? event.data : event.data.subarray());
        if (frames === 'oversize') return;
        for (const body of frames) {
          const message = decodeMessage(body);
          if (message) toAbuser.push(new TextDecoder().decode(message.payload));
        }
      });
    });
    const address = multiaddr(`/ip4/127.0.0.1/tcp/${target.id.port}/p2p/${target.id.peerId}`);
    const open = (): Promise<Stream> => abuser.dialProtocol(address, MESSAGE_PROTOCOL);
    const frame = (payload: string): Uint8Array =>
      encodeFrame(encodeMessage('feed-a', new TextEncoder().encode(payload)) as Uint8Array);
    const fromAbuser = (): string[] => target.inbox.filter((m) => m.from === abuserId.peerId).map(text);
    const messageStreams = (): Stream[] =>
      abuser
        .getConnections(peerIdFromPrivateKey(target.id.key))
        .flatMap((c) => c.streams)
        .filter((s) => s.protocol === MESSAGE_PROTOCOL && s.direction === 'outbound');

    // 100 streams abandoned three ways: silent and left open, half-closed at once, or left with
    // half a frame. libp2p refuses a message stream past a few open ones on a connection, so
    // streams the target leaves open would lock the abuser's traffic out.
    for (let i = 0; i < 100; i++) {
      const stream = await open().catch(() => undefined);
      if (!stream) continue;
      if (i % 3 === 1) await stream.close().catch(() => undefined);
      if (i % 3 === 2 && stream.writeStatus === 'writable') stream.send(frame(`half ${i}`).subarray(0, 7));
    }

    // Ordinary traffic still flows, on a new stream, both ways.
    const fresh = await open();
    fresh.send(frame('still here'));
    await waitFor(() => fromAbuser().includes('still here'), {
      what: 'a message on a new stream after 100 abandoned ones',
    });
    expect(target.transport.send(abuserId.peerId, 'feed-a', new TextEncoder().encode('reply'))).toBe(true);
    await waitFor(() => toAbuser.includes('reply'), { what: 'the target sending to the abuser' });
    // The target reset or closed every abandoned stream; only the one in use is left.
    await waitFor(() => messageStreams().length === 1, {
      timeoutMs: 15_000,
      what: 'the abandoned streams closed or reset by the target',
    });

    // A malformed message on the live stream is dropped and counted, and the stream goes on.
    const malformedBefore = target.metrics.count('malformed');
    fresh.send(encodeFrame(new Uint8Array([9, 1])));
    fresh.send(frame('after malformed'));
    await waitFor(() => fromAbuser().includes('after malformed'), {
      what: 'the message after a malformed one',
    });
    expect(target.metrics.count('malformed')).toBe(malformedBefore + 1);

    // A stream that stays silent is reset after the first-message deadline, with no newer stream.
    const silent = await open();
    await waitFor(() => silent.status !== 'open', {
      timeoutMs: 15_000,
      what: 'a silent inbound stream reset by the target',
    });
    expect(silent.status).toBe('reset');

    // A half-closed stream: its messages are delivered, then the target closes its side too.
    const half = await open();
    half.send(frame('before half-close'));
    await half.close();
    await waitFor(() => fromAbuser().includes('before half-close'), {
      what: 'the message sent before the half-close',
    });
    await waitFor(() => half.status === 'closed', { what: 'the half-closed stream closed by the target' });
  });

  it('ends a peer-exchange stream the requester leaves open after the answer', async () => {
    const requester = await rawNode(requesterId.key);
    extra.push(requester);
    const address = multiaddr(`/ip4/127.0.0.1/tcp/${bootstrapId.port}/p2p/${bootstrapId.peerId}`);
    // More requests than the bootstrap takes at a time on one connection, each answered and left open.
    for (let i = 0; i < 5; i++) {
      const stream = await requester.dialProtocol(address, PEER_EXCHANGE_PROTOCOL);
      const answer = await readOneFrame(stream, 64 * 1024, AbortSignal.timeout(5_000));
      expect(decodePeerRecords(answer)).toBeDefined();
      await waitFor(() => stream.status !== 'open', {
        what: `peer-exchange stream ${i} ended by the bootstrap`,
      });
    }
  });

  it('lets a killed node rejoin and traffic resume both ways', async () => {
    const child = remote as { child: ChildProcess; lines: string[] };
    const killedId = oracleIds[3] as Identity;
    await kill(child.child);
    await waitFor(() => oracles.every((o) => !o.transport.connectedPeers().includes(killedId.peerId)), {
      what: 'every oracle noticed the killed node',
    });

    remote = spawnOracle(killedId, bootstrapPeers, allowed, 'second-life');
    for (const [i, node] of oracles.entries()) {
      await waitFor(
        () => node.inbox.some((m) => m.from === killedId.peerId && text(m).startsWith('second-life')),
        {
          timeoutMs: 20_000,
          what: `oracle ${i} hearing from the restarted node`,
        },
      );
    }
    for (const [i, node] of oracles.entries())
      node.transport.send(killedId.peerId, 'feed-b', new TextEncoder().encode(`welcome back from ${i}`));
    await waitFor(
      () => oracles.every((_, i) => remote?.lines.some((l) => l.includes(`welcome back from ${i}`))),
      {
        what: 'the restarted node receiving from every oracle',
      },
    );
  });

  it('applies allow-list changes at runtime', async () => {
    const [a, b] = oracles as [RunningNode, RunningNode];
    a.transport.setAllowedPeers(allowed.filter((p) => p !== b.id.peerId));
    await waitFor(
      () =>
        !a.transport.connectedPeers().includes(b.id.peerId) &&
        !b.transport.connectedPeers().includes(a.id.peerId),
      {
        what: 'the removed peer disconnected',
      },
    );
    // b keeps trying (a is still on b's list) but a's gater refuses it, and a sends it nothing.
    expect(a.transport.connectedPeers()).not.toContain(b.id.peerId);
    expect(a.transport.send(b.id.peerId, 'feed-a', new Uint8Array([1]))).toBe(false);

    a.transport.setAllowedPeers(allowed);
    await waitFor(() => a.transport.connectedPeers().includes(b.id.peerId), { what: 'the peer readmitted' });
  });
});
