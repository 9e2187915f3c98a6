import { roomChannel, type LocalChannel } from '../offline/local-tabs.ts';
import type { Clock } from '../runtime/ports.ts';
import type { WebRtcTransportOptions } from '../transport/webrtc.ts';

/** What differs between a tab and a Node process besides the network. */
export interface Place {
  /** Calls `leave` when the page or process is going away; returns a function that stops watching. */
  onExit?(leave: () => void): () => void;
  /** A WebRTC implementation for Node (e.g. @roamhq/wrtc); tabs use their own. */
  wrtc?: WebRtcTransportOptions['wrtc'];
  /** Where the room's tabs of this browser meet (a BroadcastChannel); none in Node. */
  localChannel?(room: string): LocalChannel | null;
}

/** A tab: goodbye on pagehide, the browser's own WebRTC. */
export const BROWSER_PLACE: Place = {
  onExit(leave) {
    window.addEventListener('pagehide', leave);
    return () => window.removeEventListener('pagehide', leave);
  },
  localChannel: roomChannel,
};

/** Wall-clock time and timers, as a tab or Node process has them. */
export const realClock: Clock = {
  now: () => performance.timeOrigin + performance.now(),
  setTimer(atMs, fn) {
    const timer = setTimeout(fn, Math.max(0, atMs - realClock.now()));
    return () => clearTimeout(timer);
  },
};

