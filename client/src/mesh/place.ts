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
    const timer = setTimeout(fn, timerDelayMs(atMs - realClock.now()));
    return () => clearTimeout(timer);
  },
};


/**
 * The delay to ask for a deadline `remainingMs` away. Timers take whole ms and drop the fraction
 * (a tab's timer set for 96.2 ms fired 0.2 ms early, found nothing due and woke again for the rest:
 * a quarter of a tab's idle wake-ups), and Node's start from its loop's cached time, up to a ms
 * stale: so whole ms, rounded up, plus one. A tick a ms late costs nothing; a wasted wake-up does.
 */
export function timerDelayMs(remainingMs: number): number {
  return remainingMs <= 0 ? 0 : Math.ceil(remainingMs) + 1;
}
