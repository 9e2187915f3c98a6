import { createInterface } from 'node:readline';
import { joinMesh, type Mesh } from '../node/index.ts';
import { parseInputLine } from './args.ts';

export interface PeerCommand {
  signaling: string;
  room: string;
  json: boolean;
  peerId?: string;
}

/** One output line: JSON for machines (`--json`), else short text. */
type Line =
  | { type: 'joined'; id: string; room: string }
  | { type: 'rumor'; id: string; origin: string; text: string; hops: number }
  | { type: 'counter'; value: number }
  | { type: 'register'; value: string; origin: string }
  | { type: 'peers'; peers: string[] }
  | { type: 'server'; connected: boolean }
  | { type: 'error'; error: string };

function format(line: Line): string {
  switch (line.type) {
    case 'joined':
      return `joined room ${line.room} as ${line.id}`;
    case 'rumor':
      return `rumor from ${line.origin} (${line.hops} hops): ${line.text}`;
    case 'counter':
      return `counter = ${line.value}`;
    case 'register':
      return `register = ${JSON.stringify(line.value)} (by ${line.origin})`;
    case 'peers':
      return `neighbours: ${line.peers.length} (${line.peers.join(', ')})`;
    case 'server':
      return `signaling server ${line.connected ? 'connected' : 'disconnected'}`;
    case 'error':
      return `error: ${line.error}`;
  }
}

/** `gossip-mesh peer`: a headless Node peer wired to stdin/stdout until SIGINT/SIGTERM (Ctrl-C). */
export async function runPeer(command: PeerCommand): Promise<void> {
  const print = (line: Line): void => {
    process.stdout.write(`${command.json ? JSON.stringify(line) : format(line)}\n`);
  };
  const mesh: Mesh = await joinMesh({
    signaling: command.signaling,
    room: command.room,
    ...(command.peerId !== undefined ? { peerId: command.peerId } : {}),
  });
  print({ type: 'joined', id: mesh.id, room: mesh.room });
  mesh.on('rumor', (r) => print({ type: 'rumor', id: r.id, origin: r.origin, text: r.text, hops: r.hops }));
  mesh.on('counter', (value) => print({ type: 'counter', value }));
  mesh.on('register', (r) => print({ type: 'register', value: r.value, origin: r.origin }));
  mesh.on('peers', (peers) => print({ type: 'peers', peers }));
  mesh.on('server', (connected) => print({ type: 'server', connected }));

  const input = createInterface({ input: process.stdin });
  input.on('line', (raw) => {
    const line = parseInputLine(raw);
    try {
      if (line.kind === 'publish') mesh.publish(line.text);
      else if (line.kind === 'add') mesh.counter.add(line.delta);
      else if (line.kind === 'set') mesh.register.set(line.value);
      else if (line.kind === 'error') print({ type: 'error', error: line.error });
    } catch (error: unknown) {
      print({ type: 'error', error: error instanceof Error ? error.message : String(error) });
    }
  });
  await new Promise<void>((resolve) => {
    // The end of stdin does not end the peer (it may run with </dev/null); the signals do.
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  mesh.close();
  // Give the goodbye messages a moment on the wire before the process ends.
  await new Promise((resolve) => setTimeout(resolve, 200));
}
