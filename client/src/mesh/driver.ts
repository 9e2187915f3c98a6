import { VerifiedInbound } from '../identity/inbound.ts';
import { LinkBinding } from '../identity/link-binding.ts';
import { SignedSignals } from '../identity/signed-signals.ts';
import { ProofVerifier } from '../identity/verifier.ts';
import { DEFAULT_OPTIONS, type Mode } from '../core/options.ts';
import { asPeerId, rumorId, type PeerId } from '../core/ids.ts';
import type { NodeEvent } from '../core/outbox.ts';
import { encode, type RegisterValue, type SignalData } from '../core/wire.ts';
import { Runtime } from '../runtime/runtime.ts';
import { LocalTabs } from '../offline/local-tabs.ts';
import { SignalingClient } from '../transport/signaling.ts';
import type { Socket } from 'socket.io-client';
import { laneOf } from '../transport/send-queue.ts';
import { WebRtcTransport, type SignalPath } from '../transport/webrtc.ts';
import type { DeliveredRumor, MeshAggregates, MeshClient, MeshDiagnostics, MeshSettings, MeshStats } from './contract.ts';
import type { StartMeshSettings } from './start.ts';
import { meshDiagnostics, meshStats } from './diagnostics.ts';
import { socketFactory } from './early-socket.ts';
import { EventHistory } from './history.ts';
import { HopTrace } from './hop-trace.ts';
import { Invites } from './invites.ts';
import { JoinTimeline } from './join-timeline.ts';
import { ChangeNotifier } from './notifier.ts';
import { randomPeerId } from './peer-id.ts';
import { BROWSER_PLACE, realClock, type Place } from './place.ts';

export { BROWSER_PLACE, type Place } from './place.ts';
export { deliveredRumor } from './delivered-rumor.ts';
export { firstSignalingUrl } from './early-socket.ts';

/**
 * One peer over WebRTC and a signaling server: the ports of the runtime (runtime/) for a tab or a
 * Node process, and the MeshClient API on top.
 *
 * - Clock: the real clock (performance.timeOrigin + now()) and setTimeout; Random: Math.random.
 * - Links: the WebRTC transport (one simple-peer data channel per neighbour), messages as JSON.
 * - Signals: a signal relayed through the mesh goes to the transport's link setup; the transport's
 *   own signals go through the mesh when the gossiped topology knows a path to the target, else
 *   through the signaling server, and as a last resort (server down) through the mesh anyway.
 * - Bootstrap: the signaling server's introductions; with the server gone, the tabs of this
 *   browser in the same room (offline/local-tabs.ts), through which the first link is signalled.
 * - Invites: a first link signalled by hand (a code pasted between devices, transport/invite.ts).
 * - Place: where the page or process hooks its exit (pagehide) and which WebRTC implementation
 *   it uses (the browser's, or @roamhq/wrtc in Node).
 */

export class MeshDriver implements MeshClient {
  readonly id: PeerId;
  readonly settings: MeshSettings;
  private readonly runtime: Runtime;
  private readonly transport: WebRtcTransport;
  private readonly signaling: SignalingClient;
  private readonly local: LocalTabs | null;
  private readonly invites: Invites;
  private readonly history = new EventHistory();
  private readonly notifier = new ChangeNotifier();
  private readonly hopTrace = new HopTrace(realClock.now);
  private readonly stopWatchingExit: () => void;
  private closed = false;
  /** The server was not reached in time, or dropped: the tabs of this browser are asked instead. */
  private serverMissed = false;
  private firstLinkAt: number | undefined;
  private aggregateValue_ = 0;
  private readonly eventListeners = new Set<(event: NodeEvent) => void>();
  /** Seals signals off the mesh and checks each link's DTLS fingerprint; null when unsigned. */
  private readonly signedSignals: SignedSignals | null;
  private readonly binding: LinkBinding | null;
  /** When this peer passed each step of its join (diagnostics). */
  readonly timeline: JoinTimeline;

  /**
   * `early`: what startMesh began before the driver existed: the join's timeline, and the socket to
   * the first signaling server, opened while the key was made (used for that server's first connect).
   */
  constructor(settings: StartMeshSettings, place: Place = BROWSER_PLACE, early: { timeline?: JoinTimeline; socket?: Socket } = {}) {
    const timeline = early.timeline ?? new JoinTimeline(realClock.now);
    this.timeline = timeline;
    timeline.mark('started');
    timeline.mark('identityReady');
    const identity = settings.identity;
    this.id = identity?.id ?? asPeerId(settings.peerId ?? randomPeerId());
    // With an identity, signatures are checked on WebCrypto before a message enters the loop.
    const verifier = identity === undefined ? undefined : new ProofVerifier({ mode: 'prepared' });
    const receive = (peer: PeerId, raw: unknown, at: number): void => this.hopTrace.around(at, () => this.runtime.receive(peer, raw));
    const inbound = verifier === undefined ? null : new VerifiedInbound(verifier, receive);
    this.settings = { room: settings.room, mode: settings.mode, periodMs: settings.periodMs, fanout: settings.fanout };
    this.signedSignals = identity === undefined ? null : new SignedSignals(this.id, identity, realClock.now);
    this.binding =
      this.signedSignals === null
        ? null
        : new LinkBinding(this.signedSignals, (peer) => {
            if (this.closed) return;
            this.transport.disconnect(peer);
            this.runtime.linkDown(peer);
          });
    const nodeOptions = { ...settings.nodeOptions, mode: settings.mode, periodMs: settings.periodMs, fanout: settings.fanout };
    const targetDegree = settings.nodeOptions?.activeViewSize ?? DEFAULT_OPTIONS.activeViewSize;
    this.transport = new WebRtcTransport({
      self: this.id,
      iceServers: settings.iceServers ?? [],
      ...(settings.iceTransportPolicy !== undefined ? { iceTransportPolicy: settings.iceTransportPolicy } : {}),
      connectTimeoutMs: settings.nodeOptions?.connectTimeoutMs ?? DEFAULT_OPTIONS.connectTimeoutMs,
      ...(place.wrtc !== undefined ? { wrtc: place.wrtc } : {}),
      sendSignal: (to, data, purpose) => this.sendSignal(to, data, purpose),
      ...(this.binding === null ? {} : { createPeer: this.binding.createPeer }),
      onLinkUp: (peer) => {
        this.firstLinkAt ??= realClock.now();
        this.timeline.mark('firstLink', this.firstLinkAt);
        this.runtime.linkUp(peer);
        this.binding?.linkUp(peer);
        if (this.node.neighbors().length >= targetDegree) this.timeline.mark('targetDegree');
      },
      onLinkDown: (peer) => this.runtime.linkDown(peer),
      onLinkDoubt: (peer) => this.runtime.linkDoubted(peer),
      onPeerAlive: (peer, graceMs) => this.runtime.peerAlive(peer, graceMs),
      onData: (peer, data) => (inbound === null ? receive(peer, data, realClock.now()) : inbound.receive(peer, data, realClock.now())),
    });
    this.invites = new Invites(this.id, settings.room, this.transport, realClock.now);
    const url = settings.serverUrl ?? settings.server;
    const explicitIce = settings.iceServers !== undefined;
    this.signaling = new SignalingClient({
      ...(url !== undefined ? { url } : {}),
      // A signed peer proves its key to the server too, so no other socket can join as its id.
      ...(identity !== undefined ? { prove: (text: string) => identity.sign(text) } : {}),
      ...(settings.servers !== undefined && settings.servers.length > 0 ? { urls: settings.servers } : {}),
      // The server's STUN/TURN (with minted credentials) for the links made after the join.
      onIceServers: (servers) => {
        if (!explicitIce) this.transport.setIceServers(servers);
      },
      onSignal: (from, data) => this.receiveSignal(from, data, 'server'),
      onConnectionChange: (connected) => {
        if (connected) this.timeline.mark('serverConnected');
        if (!connected) this.serverMissed = true;
        this.changed();
      },
      onRejoin: (peers) => this.introduce(peers),
      connect: socketFactory(settings, early.socket),
    });
    const channel = place.localChannel?.(settings.room) ?? null;
    this.local =
      channel === null
        ? null
        : new LocalTabs({
            self: this.id,
            channel,
            known: () => [...this.node.neighbors(), ...this.node.known()],
            onSignal: (from, data) => this.receiveSignal(from, data, 'local'),
          });
    this.runtime = new Runtime(
      { id: this.id, node: nodeOptions, extras: identity === undefined || verifier === undefined ? {} : { signer: identity, verifier } },
      {
        clock: realClock,
        random: Math.random,
        links: {
          send: (to, message) => this.hopTrace.sent(to, message, this.transport.send(to, encode(message), laneOf(message.t))),
          connect: (peer) => {
            this.timeline.mark('firstConnect');
            this.transport.connect(peer);
          },
          disconnect: (peer) => this.transport.disconnect(peer),
        },
        signals: {
          // Admission checked the whole signal's proof: the fingerprint in it is the sender's.
          deliver: (from, data) => {
            this.signedSignals?.bind(from, data);
            this.timeline.mark('firstSignalIn');
            this.transport.handleSignal(from, data, 'mesh');
          },
        },
        bootstrap: { introductions: () => this.introductions() },
        observer: { event: (event) => this.observe(event), settled: () => this.changed() },
      },
    );
    this.stopWatchingExit = place.onExit?.(() => this.leave()) ?? (() => undefined);
    this.runtime.start();
  }

  /** First join (may wait as long as the server is unreachable). */
  join(): Promise<PeerId[]> {
    return this.signaling.join(this.settings.room, this.id).then((peers) => {
      this.timeline.mark('joined');
      return peers;
    });
  }

  /** Candidates from the server: the node asks for links at once, not next period. */
  introduce(peers: readonly PeerId[]): void {
    if (peers.length > 0) this.timeline.mark('introduced');
    this.runtime.introduce(peers);
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
    const rumor = this.runtime.act((node) => node.publish(text));
    return rumorId(rumor.origin, rumor.seq);
  }

  rumors(): DeliveredRumor[] {
    return this.history.rumors();
  }

  add(delta: number): void {
    this.runtime.act((node) => node.add(delta));
  }

  counter(): number {
    return this.node.counterValue();
  }

  setRegister(value: string): void {
    this.runtime.act((node) => node.setRegister(value));
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
    return meshStats(this.node.stats(), this.transport.stats(), this.runtime.counts);
  }

  diagnostics(): MeshDiagnostics {
    return meshDiagnostics({
      node: this.node.stats(),
      link: this.transport.stats(),
      server: this.signaling.stats(),
      serverConnected: this.signaling.connected,
      sentByType: this.runtime.counts.byType,
      firstLinkAt: this.firstLinkAt ?? null,
      joinTimeline: this.timeline.record(),
      iceServerUrls: this.transport.iceServerUrls(),
      localHealth: this.node.localHealth(),
      silentPeers: this.history.silentPeers(),
      signalsSealRefused: this.signedSignals?.stats.sealedRefused ?? 0,
      linksFingerprintChecked: this.signedSignals?.stats.linksChecked ?? 0,
      linksFingerprintMismatched: this.signedSignals?.stats.linksMismatched ?? 0,
      hopTrace: this.hopTrace.list(),
    });
  }

  subscribe(listener: () => void): () => void {
    return this.notifier.subscribe(listener);
  }

  /** Every event of the node as it happens, uncoalesced (the library's typed events, lib/mesh.ts). */
  onNodeEvent(listener: (event: NodeEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  close(): void {
    if (this.closed) return;
    this.leave();
    this.closed = true;
    this.runtime.stop();
    this.stopWatchingExit();
    this.transport.destroy();
    this.signaling.close();
    this.local?.close();
    this.notifier.close();
    this.eventListeners.clear();
  }

  // ---- invites ------------------------------------------------------------------------------

  /** An invite code for another device: its answer must come back through completeInvite. */
  async createInvite(): Promise<string> {
    this.assertOpen();
    return this.invites.create();
  }

  /** Takes an invite made on another device; resolves with the answer code to hand back. */
  async acceptInvite(code: string): Promise<string> {
    this.assertOpen();
    return this.invites.accept(code, (peer) => this.node.neighbors().includes(peer));
  }

  /** The answer to one of our invites: the link opens. */
  async completeInvite(code: string): Promise<void> {
    this.assertOpen();
    return this.invites.complete(code);
  }

  // ---- ports --------------------------------------------------------------------------------

  private assertOpen(): void {
    if (this.closed) throw new Error('mesh closed: this peer has left');
  }

  /** The first join did not answer in time: ask the tabs of this browser in the room. */
  joinWithoutServer(): void {
    this.serverMissed = true;
    if (this.local !== null && !this.signaling.joined) void this.local.discover().then((peers) => this.introduce(peers));
  }

  /**
   * The server's introductions; once the server has been missed (and while it is not back), the
   * tabs of this browser in the room. Never both: with a server, links are signalled as before.
   */
  private introductions(): Promise<readonly PeerId[]> {
    if (this.local === null || !this.serverMissed || this.signaling.connected) return this.signaling.introduce();
    return this.local.discover();
  }

  /** Read-only queries go to the node directly; anything that makes it act goes through the runtime. */
  private get node() {
    return this.runtime.node;
  }

  /** Going away: say goodbye on every link now (the messages are queued synchronously). */
  private leave(): void {
    if (!this.closed) this.runtime.act((node) => node.leave());
  }

  private observe(event: NodeEvent): void {
    for (const listener of this.eventListeners) listener(event);
    // A silent neighbour: restart ICE now, while the node still waits for it (ICE itself notices late).
    if (event.type === 'peer-suspected') this.transport.restartIce(event.peer);
    this.history.record(event);
    this.hopTrace.event(event);
  }

  /**
   * Mesh when the gossiped topology knows a path to `to`; else the server; else the mesh anyway.
   * An ICE restart's signals try the server first: the mesh's shortest path to a neighbour is the
   * very link being restarted.
   */
  private sendSignal(to: PeerId, data: SignalData, purpose: 'setup' | 'restart' = 'setup'): SignalPath | null {
    if (this.closed) return null;
    this.timeline.mark('firstSignalOut');
    if (purpose === 'setup' && this.runtime.act((node) => node.sendSignal(to, data, { randomWalk: false }))) return 'mesh';
    const sealed = this.signedSignals?.seal(to, data) ?? data;
    if (this.signaling.joined) {
      void this.signaling.signal(to, sealed);
      return 'server';
    }
    if (this.local?.signal(to, sealed) === true) return 'local';
    // No server: a random walk through the mesh may still find the peer.
    return this.runtime.act((node) => node.sendSignal(to, data)) ? 'mesh' : null;
  }

  /** A signal off the mesh: an offer or answer must hold its sender's seal before WebRTC sees it. */
  private receiveSignal(from: PeerId, data: SignalData, via: 'server' | 'local'): void {
    this.timeline.mark('firstSignalIn');
    const opened = this.signedSignals === null ? data : this.signedSignals.open(from, data);
    if (opened !== null) this.transport.handleSignal(from, opened, via);
  }

  private changed(): void {
    if (!this.closed) this.notifier.changed();
  }
}
