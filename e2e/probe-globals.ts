/**
 * The globals that e2e init scripts and page functions install in a tab, declared once (the mesh's
 * own hook, `window.__mesh`, is declared with the hook in client/src/mesh/hook.ts). They
 * are optional: a page without the probe has none, and readers say so.
 */

/** Data-channel traffic and links of one page, counted by the wire probe (e2e/wire-probe.ts). */
export interface WireCounts {
  /** RTCDataChannel.send calls. */
  sent: number;
  /** `message` events on the page's data channels. */
  received: number;
  /** Data channels open now: the page's links. */
  open: number;
  /** Data channels that ever opened / closed. */
  opened: number;
  closed: number;
  /** performance.now() (ms since navigation) when the first data channel opened; null before. */
  firstOpenMs: number | null;
  /** performance.timeOrigin: epoch ms of the navigation. */
  timeOrigin: number;
}

export interface WireProbe {
  counts(): WireCounts;
  /** RTCPeerConnections whose connectionState is `connected`. */
  connectedPeerConnections(): number;
}

/** What the churn benchmark samples in a surviving tab (e2e/bench/churn.ts). */
export interface ChurnRecorder {
  hadVictim: boolean;
  belowAt: number | null;
  regainedAt: number | null;
  detectedAt: number | null;
}

/** The longest gap between the ticks of a 100 ms interval timer (e2e/churn.ts, freezeTab). */
export interface TickProbe {
  last: number;
  maxGap: number;
}

/** The y-webrtc comparison page (e2e/bench/versus/ywebrtc-page.ts). */
export interface YjsBenchPage {
  /** Writes one update to the shared Y.Map; returns its key and the epoch ms it was written. */
  write(text: string): { id: string; sentAt: number };
  /** Epoch ms when the update `id` arrived in this page (or was written here); null before. */
  receivedAt(id: string): number | null;
  /** Epoch ms when an update with this text arrived here (at once if it had); null after `timeoutMs`. */
  arrival(text: string, timeoutMs: number): Promise<number | null>;
}

/** What a flood from the rogue tab did (e2e/rogue.ts). */
export interface FloodResult {
  sent: number;
  refusedByBrowser: number;
  /** ms from the flood's start until its channel closed (the honest peer cut it off); null if never. */
  closedAfterMs: number | null;
}

/** The rogue tab's reach into its own raw data channels and key (e2e/rogue.ts). */
export interface RogueTab {
  /** Open data channels (one per link). */
  open(): number;
  /** Sends raw text on every open channel; counts what the browser refused (and why, the last). */
  send(text: string): { sent: number; refused: number; lastError: string | null };
  /** The last messages that arrived on the rogue's channels, as text. */
  inbox(): string[];
  /** A proof (public key || Ed25519 signature, base64url) over `text` with this tab's own key. */
  sign(text: string): Promise<string>;
  /** `ratePerSecond` pings on the first open channel for up to `maxMs`, or until it closes. */
  flood(ratePerSecond: number, maxMs: number): Promise<FloodResult>;
}

declare global {
  interface Window {
    __rogue?: RogueTab;
    __wire?: WireProbe;
    /** This page's pagehide token (e2e/churn.ts). */
    __e2eToken?: string;
    /** Tokens other pages posted from their pagehide handlers. */
    __e2ePagehides?: string[];
    __e2eTicks?: TickProbe;
    __churn?: ChurnRecorder;
    __ybench?: YjsBenchPage;
  }
}
