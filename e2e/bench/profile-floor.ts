/**
 * The floor under an idle tab (`profile-idle.ts --floor`): a blank page, no mesh and no UI,
 * holding as many WebRTC data channels as a mesh tab has links (each link is one peer connection
 * in the tab; here loopback pairs inside the page) and sending as many small messages a second.
 * What the browser spends on it is Chromium's own cost of those channels and that traffic.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';

export interface FloorShape {
  /** Peer connections in each tab (made as loopback pairs: an even number). */
  connections: number;
  /** Messages sent per tab per second, spread over the channels. */
  messagesPerSecond: number;
  /** Bytes per message. */
  bytes: number;
}

declare global {
  interface Window {
    __floor?: { open: number; sent: number };
  }
}

const script = (shape: FloorShape): string => `
const state = { open: 0, sent: 0 };
window.__floor = state;
const channels = [];
async function pair() {
  const a = new RTCPeerConnection();
  const b = new RTCPeerConnection();
  a.onicecandidate = (e) => e.candidate && b.addIceCandidate(e.candidate);
  b.onicecandidate = (e) => e.candidate && a.addIceCandidate(e.candidate);
  const ca = a.createDataChannel('floor');
  b.ondatachannel = (e) => {
    const cb = e.channel;
    cb.onopen = () => { state.open++; channels.push(cb); };
    cb.onmessage = () => {};
  };
  ca.onopen = () => { state.open++; channels.push(ca); };
  ca.onmessage = () => {};
  await a.setLocalDescription(await a.createOffer());
  await b.setRemoteDescription(a.localDescription);
  await b.setLocalDescription(await b.createAnswer());
  await a.setRemoteDescription(b.localDescription);
}
for (let i = 0; i < ${Math.ceil(shape.connections / 2)}; i++) pair();
const text = 'x'.repeat(${shape.bytes});
let next = 0;
setInterval(() => {
  if (channels.length === 0) return;
  channels[next++ % channels.length].send(text);
  state.sent++;
}, ${Math.max(1, Math.round(1000 / shape.messagesPerSecond))});
`;

/** Writes the floor page into `dir` (served as the static directory). */
export function writeFloorPage(dir: string, shape: FloorShape): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'index.html'), `<!doctype html><meta charset="utf-8"><title>floor</title><p>floor</p><script type="module">${script(shape)}</script>\n`);
}

/** Data channels open in the tab (both ends of each pair count). */
export function floorOpen(page: Page): Promise<number> {
  return page.evaluate(() => window.__floor?.open ?? 0);
}

export function floorSent(page: Page): Promise<number> {
  return page.evaluate(() => window.__floor?.sent ?? 0);
}
