/**
 * The anchor's page: the smallest y-webrtc app that does what the mesh page does for the
 * benchmark. One Y.Doc shared by every tab of a room through y-webrtc (its WebRTC provider, full
 * mesh, its own signaling server), one Y.Map of updates; each tab records when each key first
 * reached it. Bundled at bench time (ywebrtc.ts); `?signaling=ws://...&room=NAME`.
 */
import { WebrtcProvider } from 'y-webrtc';
import * as Y from 'yjs';
import type { YjsBenchPage } from '../../probe-globals.ts';

interface Update {
  text: string;
  sentAt: number;
}

const params = new URLSearchParams(location.search);
const signaling = params.get('signaling');
const room = params.get('room') ?? 'bench';
if (signaling === null) throw new Error('ywebrtc page: ?signaling=ws://host:port is missing');

const doc = new Y.Doc();
// Loopback only: no STUN/TURN, as the mesh page under test uses none either.
new WebrtcProvider(room, doc, { signaling: [signaling], peerOpts: { config: { iceServers: [] } } });
const updates = doc.getMap<Update>('updates');
const arrived = new Map<string, number>();
/** Waiting for an update by its text (arrival): resolve with its arrival time. */
const waiting = new Map<string, (at: number) => void>();
updates.observe((event) => {
  const now = Date.now();
  for (const key of event.keysChanged) {
    if (arrived.has(key)) continue;
    arrived.set(key, now);
    const text = updates.get(key)?.text;
    if (text !== undefined) waiting.get(text)?.(now);
  }
});
const arrivedByText = (text: string): number | null => {
  for (const [key, update] of updates) if (update.text === text) return arrived.get(key) ?? null;
  return null;
};
let written = 0;

const page: YjsBenchPage = {
  write(text) {
    const id = `${doc.clientID.toString(36)}-${(written++).toString(36)}`;
    const sentAt = Date.now();
    arrived.set(id, sentAt);
    updates.set(id, { text, sentAt });
    return { id, sentAt };
  },
  receivedAt: (id) => arrived.get(id) ?? null,
  arrival: (text, timeoutMs) => {
    const known = arrivedByText(text);
    if (known !== null) return Promise.resolve(known);
    return new Promise((resolve) => {
      const done = (at: number | null): void => {
        clearTimeout(timer);
        waiting.delete(text);
        resolve(at);
      };
      const timer = setTimeout(() => done(null), timeoutMs);
      waiting.set(text, done);
    });
  },
};
window.__ybench = page;
document.body.textContent = `y-webrtc room ${room}`;
