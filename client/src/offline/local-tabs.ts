import { z } from 'zod';
import { isPeerId, type PeerId } from '../core/ids.ts';
import { signalDataSchema, type SignalData } from '../core/wire.ts';

/**
 * Tabs of one browser meet here (a BroadcastChannel per room), so a tab opened while the
 * signaling server is gone can still join: it asks who is here, takes the answers as
 * introductions, and signals its first WebRTC link through the tab it links to. Only signaling
 * crosses the channel; data flows over WebRTC data channels, so a tab in another browser is no
 * different once the first link is up (later links are signalled through the mesh).
 * Every message on the channel is parsed: a tab of another build or a script may post anything.
 */

const peer = z.custom<PeerId>(isPeerId);
const localMessage = z.discriminatedUnion('kind', [
  /** A tab asks which tabs of its room are open. */
  z.object({ kind: z.literal('hello'), from: peer }),
  /** An answer: this tab is here, and knows these peers of the room. */
  z.object({ kind: z.literal('here'), from: peer, to: peer, peers: z.array(peer).max(64) }),
  /** WebRTC signaling between two tabs of this browser. */
  z.object({ kind: z.literal('signal'), from: peer, to: peer, data: signalDataSchema }),
]);
export type LocalMessage = z.output<typeof localMessage>;

/** The part of BroadcastChannel used here (tests pass an in-memory one). */
export interface LocalChannel {
  postMessage(message: LocalMessage): void;
  onmessage: ((event: { data: unknown }) => void) | null;
  close(): void;
}

export interface LocalTabsOptions {
  self: PeerId;
  channel: LocalChannel;
  /** Peers of the room a local tab knows (answering a hello). */
  known(): readonly PeerId[];
  /** A signal from a local tab. */
  onSignal(from: PeerId, data: SignalData): void;
  /** How long a hello waits for answers. Default 300 ms. */
  answerWaitMs?: number;
}

export interface LocalTabsStats {
  hellos: number;
  answers: number;
  signalsSent: number;
  signalsReceived: number;
  /** Messages on the channel that did not parse. */
  badMessages: number;
}

export class LocalTabs {
  readonly stats: LocalTabsStats = { hellos: 0, answers: 0, signalsSent: 0, signalsReceived: 0, badMessages: 0 };
  /** Tabs heard on the channel: signals to them can go this way. */
  private readonly local = new Set<PeerId>();
  private waiting: { peers: Set<PeerId>; resolve: (peers: PeerId[]) => void } | null = null;
  private closed = false;

  constructor(private readonly options: LocalTabsOptions) {
    options.channel.onmessage = (event) => this.onMessage(event.data);
  }

  /** Asks the room's open tabs of this browser who they are; resolves with them and the peers they know. */
  discover(): Promise<PeerId[]> {
    if (this.closed) return Promise.resolve([]);
    if (this.waiting !== null) return Promise.resolve([]);
    this.stats.hellos++;
    const waiting = { peers: new Set<PeerId>(), resolve: (_: PeerId[]) => undefined as void };
    const answered = new Promise<PeerId[]>((resolve) => (waiting.resolve = resolve));
    this.waiting = waiting;
    this.options.channel.postMessage({ kind: 'hello', from: this.options.self });
    setTimeout(() => {
      if (this.waiting === waiting) this.waiting = null;
      waiting.resolve([...waiting.peers]);
    }, this.options.answerWaitMs ?? 300);
    return answered;
  }

  /** True when `to` is a tab of this browser, and the signal went to it. */
  signal(to: PeerId, data: SignalData): boolean {
    if (this.closed || !this.local.has(to)) return false;
    this.stats.signalsSent++;
    this.options.channel.postMessage({ kind: 'signal', from: this.options.self, to, data });
    return true;
  }

  isLocal(peerId: PeerId): boolean {
    return this.local.has(peerId);
  }

  close(): void {
    this.closed = true;
    this.options.channel.onmessage = null;
    this.options.channel.close();
  }

  private onMessage(raw: unknown): void {
    if (this.closed) return;
    const parsed = localMessage.safeParse(raw);
    if (!parsed.success) {
      this.stats.badMessages++;
      return;
    }
    const message = parsed.data;
    const self = this.options.self;
    if (message.from === self) return;
    switch (message.kind) {
      case 'hello':
        this.local.add(message.from);
        this.options.channel.postMessage({ kind: 'here', from: self, to: message.from, peers: this.options.known().filter((p) => p !== message.from).slice(0, 64) });
        return;
      case 'here':
        if (message.to !== self) return;
        this.local.add(message.from);
        this.stats.answers++;
        if (this.waiting !== null) {
          this.waiting.peers.add(message.from);
          for (const p of message.peers) if (p !== self) this.waiting.peers.add(p);
        }
        return;
      case 'signal':
        if (message.to !== self) return;
        this.local.add(message.from);
        this.stats.signalsReceived++;
        this.options.onSignal(message.from, message.data);
        return;
    }
  }
}

/** The room's channel in this browser, where BroadcastChannel exists (not in Node). */
export function roomChannel(room: string): LocalChannel | null {
  if (typeof BroadcastChannel === 'undefined') return null;
  const channel = new BroadcastChannel(`gossip-mesh:${room}`);
  const local: LocalChannel = {
    postMessage: (message) => channel.postMessage(message),
    onmessage: null,
    close: () => channel.close(),
  };
  channel.onmessage = (event: MessageEvent<unknown>) => local.onmessage?.({ data: event.data });
  return local;
}
