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
}

declare global {
  interface Window {
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
