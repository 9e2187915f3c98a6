import type { Env } from '../core/env.ts';
import type { Mode } from '../core/options.ts';
import { asPeerId, rumorId, type PeerId } from '../core/ids.ts';
import { GossipNode, type Action, type NodeEvent } from '../core/node.ts';
import { encode, type RegisterValue, type SignalData } from '../core/wire.ts';
import { SignalingClient } from '../transport/signaling.ts';
import { WebRtcTransport, type SignalPath } from '../transport/webrtc.ts';
import type { DeliveredRumor, MeshAggregates, MeshClient, MeshDiagnostics, MeshSettings, MeshStats } from './contract.ts';
import type { StartMeshSettings } from './start.ts';
import { ChangeNotifier } from './notifier.ts';
import { randomPeerId } from './peer-id.ts';

/**
 * The browser driver: owns the clock, the timers and the I/O around one pure GossipNode.
 *
 *   inputs  (link up/down, data, relayed signals, ticks, local operations)
 *     -> node.connected / disconnected / receive / tick / publish ...
 *     -> pump(): drain() the node; execute its actions (send / connect / disconnect) on the
 *        WebRTC transport; dispatch its events (rumors, mesh-relayed signals, `lonely`) -> repeat
 *        until the node has nothing more to say; then schedule the next tick at nextTickAt().
 *
 * Signals for a new link go through the mesh (node.sendSignal, routed by the gossiped topology)
 * when the topology shows a path to the target, otherwise through the signaling server, and as a
 * last resort (server down) through the mesh anyway. The server is only needed to bootstrap.
 */

/** Rumors kept for rumors(); the oldest go first. */
const MAX_KEPT_RUMORS = 2000;

export class MeshDriver implements MeshClient {
  readonly id: PeerId;
  readonly settings: MeshSettings;
  private readonly env: Env;
  private readonly node: GossipNode;
  private readonly transport: WebRtcTransport;
  private readonly signaling: SignalingClient;
  private readonly delivered: DeliveredRumor[] = [];
  private readonly notifier = new ChangeNotifier();
  private tickTimer: ReturnType<typeof setTimeout> | undefined;
  private tickAt = Infinity;
  private pumping = false;
  private pumpAgain = false;
  private closed = false;
  private askingForIntroductions = false;
  private firstLinkAt: number | undefined;
  private aggregateValue_ = 0;
  private readonly onPageHide = (): void => this.leave();

  constructor(settings: StartMeshSettings) {
    this.id = settings.peerId ?? randomPeerId();
    asPeerId(this.id);
    this.settings = { room: settings.room, mode: settings.mode, periodMs: settings.periodMs, fanout: settings.fanout };
    // Real time and Math.random belong here, in the driver; the core only sees them through Env.
    this.env = { now: () => performance.timeOrigin + performance.now(), random: Math.random };
    this.node = new GossipNode(this.id, this.env, {
      ...settings.nodeOptions,
      mode: settings.mode,
      periodMs: settings.periodMs,
      fanout: settings.fanout,
    });
    this.transport = new WebRtcTransport({
      self: this.id,
      iceServers: settings.iceServers ?? [],
      connectTimeoutMs: this.node.options.connectTimeoutMs,
      sendSignal: (to, data) => this.sendSignal(to, data),
      onLinkUp: (peer) => {
        this.firstLinkAt ??= this.env.now();
        this.node.connected(peer);
        this.pump();
      },
      onLinkDown: (peer) => {
        this.node.disconnected(peer);
        this.pump();
      },
      onData: (peer, data) => {
        this.node.receive(peer, data);
        this.pump();
      },
    });
    const url = settings.serverUrl ?? settings.server;
    this.signaling = new SignalingClient({
      ...(url !== undefined ? { url } : {}),
      onSignal: (from, data) => {
        this.transport.handleSignal(from, data, 'server');
        this.pump();
      },
      onConnectionChange: () => this.changed(),
      onRejoin: (peers) => this.introduce(peers),
    });
    if (typeof window !== 'undefined') window.addEventListener('pagehide', this.onPageHide);
    this.schedule();
  }

  /** First join (may wait as long as the server is unreachable). */
  join(): Promise<PeerId[]> {
    return this.signaling.join(this.settings.room, this.id);
  }

  /** Candidates from the server: tick at once so the node asks for links now, not next period. */
  introduce(peers: readonly PeerId[]): void {
    if (this.closed) return;
    if (peers.length > 0) this.node.introduce(peers);
    this.node.tick(this.env.now());
    this.pump();
  }

  // ---- MeshClient ---------------------------------------------------------------------------

  ready(): boolean {
    return this.node.neighbors().length > 0;
  }

  neighbors(): PeerId[] {
    return this.node.neighbors();
  }

  known(): PeerId[] {
    return this.node.known();
  }

  graph(): Map<PeerId, Set<PeerId>> {
    return this.node.meshGraph();
  }

  serverConnected(): boolean {
    return this.signaling.connected;
  }

  publish(text: string): string {
    const rumor = this.node.publish(text);
    this.pump();
    return rumorId(rumor.origin, rumor.seq);
  }

  rumors(): DeliveredRumor[] {
    return this.delivered.map((r) => ({ ...r }));
  }

  add(delta: number): void {
    this.node.add(delta);
    this.pump();
  }

  counter(): number {
    return this.node.counterValue();
  }

  setRegister(value: string): void {
    this.node.setRegister(value);
    this.pump();
  }

  register(): RegisterValue | null {
    const value = this.node.registerValue();
    return value === null ? null : { ...value };
  }

  aggregates(): MeshAggregates | null {
    const estimate = this.node.aggregates();
    return estimate === null ? null : { ...estimate };
  }

  setAggregateValue(value: number): void {
    this.node.setAggregateValue(value);
    this.aggregateValue_ = value;
    this.changed();
  }

  setMode(mode: Mode): void {
    this.node.setMode(mode);
    this.changed();
  }

  mode(): Mode {
    return this.node.mode();
  }

  aggregateValue(): number {
    return this.aggregateValue_;
  }

  stats(): MeshStats {
    const node = this.node.stats();
    const link = this.transport.stats();
    return {
      sent: node.messagesSent,
      received: node.messagesReceived,
      duplicates: node.duplicates,
      dropped: node.dropped + link.sendsDropped,
      bytesSent: link.bytesSent,
      bytesReceived: link.bytesReceived,
      payloadsSent: node.payloadsSent,
      linksViaMesh: link.linksViaMesh,
      linksViaServer: link.linksViaServer,
    };
  }

  diagnostics(): MeshDiagnostics {
    const node = this.node.stats();
    const link = this.transport.stats();
    const server = this.signaling.stats();
    return {
      firstLinkAt: this.firstLinkAt ?? null,
      rumorsDelivered: node.rumorsDelivered,
      linksOpen: link.open,
      linksConnecting: link.connecting,
      linksOpened: link.linksOpened,
      linkTimeouts: link.linkTimeouts,
      linksUnanswered: link.linksUnanswered,
      linkErrors: link.linkErrors,
      messagesOnWire: link.messagesSent,
      messagesOffWire: link.messagesReceived,
      sendsDropped: link.sendsDropped,
      sendsDroppedBackpressure: link.sendsDroppedBackpressure,
      signalsSent: link.signalsSent,
      signalsReceived: link.signalsReceived,
      signalsDropped: link.signalsDropped,
      serverConnected: this.signaling.connected,
      serverConnects: server.connects,
      serverJoins: server.joins,
      serverSignalsSent: server.signalsSent,
      serverSignalsFailed: server.signalsFailed,
      serverSignalsReceived: server.signalsReceived,
      serverBadPayloads: server.badPayloads,
      sentByType: {},
      droppedByReason: { ...node.droppedByReason },
      lastTransportError: link.lastError,
      lastServerError: server.lastError,
    };
  }

  subscribe(listener: () => void): () => void {
    return this.notifier.subscribe(listener);
  }

  close(): void {
    if (this.closed) return;
    this.leave();
    this.closed = true;
    clearTimeout(this.tickTimer);
    if (typeof window !== 'undefined') window.removeEventListener('pagehide', this.onPageHide);
    this.transport.destroy();
    this.signaling.close();
    this.notifier.close();
  }

  // ---- the loop -----------------------------------------------------------------------------

  /** Tab going away: say goodbye on every link now (the messages are queued synchronously). */
  private leave(): void {
    if (this.closed) return;
    this.node.leave();
    this.pump();
  }

  /** Runs the node's output until it is quiet. Re-entrant calls (an action causing input) fold in. */
  private pump(): void {
    if (this.closed) return;
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    let changed = false;
    try {
      do {
        this.pumpAgain = false;
        const { actions, events } = this.node.drain();
        for (const action of actions) this.execute(action);
        for (const event of events) {
          this.dispatch(event);
          changed = true;
        }
        if (actions.length > 0 || events.length > 0) this.pumpAgain = true;
      } while (this.pumpAgain && !this.closed);
    } finally {
      this.pumping = false;
    }
    if (changed) this.changed();
    this.schedule();
  }

  private execute(action: Action): void {
    switch (action.type) {
      case 'send':
        this.transport.send(action.to, encode(action.message));
        return;
      case 'connect':
        this.transport.connect(action.peer);
        return;
      case 'disconnect':
        this.transport.disconnect(action.peer);
        return;
    }
  }

  private dispatch(event: NodeEvent): void {
    switch (event.type) {
      case 'rumor': {
        const { rumor } = event;
        this.delivered.push({
          id: rumorId(rumor.origin, rumor.seq),
          origin: rumor.origin,
          text: rumor.payload,
          hops: rumor.hops,
          sentAt: rumor.sentAt,
          receivedAt: event.receivedAt,
        });
        if (this.delivered.length > MAX_KEPT_RUMORS) this.delivered.splice(0, this.delivered.length - MAX_KEPT_RUMORS);
        return;
      }
      case 'signal':
        this.transport.handleSignal(event.from, event.data, 'mesh');
        return;
      case 'lonely':
        this.askForIntroductions();
        return;
      default:
        // counter, register, view, topology, peer-gone, dropped: state the page reads on change.
        return;
    }
  }

  private askForIntroductions(): void {
    if (this.askingForIntroductions) return;
    this.askingForIntroductions = true;
    void this.signaling.introduce().then((peers) => {
      this.askingForIntroductions = false;
      if (peers.length > 0) this.introduce(peers);
    });
  }

  /** Mesh when the gossiped topology knows a path to `to`; else the server; else the mesh anyway. */
  private sendSignal(to: PeerId, data: SignalData): SignalPath | null {
    if (this.closed) return null;
    if (this.node.sendSignal(to, data, { randomWalk: false })) {
      this.pump();
      return 'mesh';
    }
    if (this.signaling.joined) {
      void this.signaling.signal(to, data);
      return 'server';
    }
    // No server: a random walk through the mesh may still find the peer.
    if (this.node.sendSignal(to, data)) {
      this.pump();
      return 'mesh';
    }
    return null;
  }

  private schedule(): void {
    if (this.closed) return;
    const at = this.node.nextTickAt();
    // An earlier pending timer is kept: ticking early is harmless, and it re-schedules itself.
    if (this.tickTimer !== undefined && this.tickAt <= at) return;
    clearTimeout(this.tickTimer);
    this.tickAt = at;
    this.tickTimer = setTimeout(() => {
      this.tickTimer = undefined;
      this.tickAt = Infinity;
      if (this.closed) return;
      this.node.tick(this.env.now());
      this.pump();
    }, Math.max(0, at - this.env.now()));
  }

  // ---- change notification ------------------------------------------------------------------

  private changed(): void {
    if (!this.closed) this.notifier.changed();
  }
}
