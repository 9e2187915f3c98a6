/**
 * Child process of e2e/node-peers.ts: `count` Node peers of one room, made with the public API
 * (gossip-mesh/node), answering one JSON request per stdin line with one JSON line on stdout.
 * Ends (closing every peer) when stdin ends.
 */
import { createInterface } from 'node:readline';
import { joinMesh, type Mesh } from '../client/src/node/index.ts';
import type { HostReply, HostRequest, PeerHostOptions } from './node-peers.ts';

const options = JSON.parse(process.env['PEER_HOST_OPTIONS'] ?? '{}') as PeerHostOptions;
const reply = (value: HostReply | { ready: number }): void => {
  process.stdout.write(`${JSON.stringify(value)}\n`);
};

const peers: Mesh[] = [];
// Joined a few at a time: a burst of joins is a burst of WebRTC setups on two cores.
for (let i = 0; i < options.count; i += 5) {
  const batch = Math.min(5, options.count - i);
  const joined = await Promise.all(
    Array.from({ length: batch }, () => joinMesh({ ...options.meshOptions, signaling: options.signaling, room: options.room })),
  );
  peers.push(...joined);
  process.stderr.write(`peer-host ${process.pid}: ${peers.length}/${options.count} joined\n`);
}
reply({ ready: peers.length });

function peerAt(index: number): Mesh {
  const peer = peers[index];
  if (peer === undefined) throw new Error(`no peer ${index} (0..${peers.length - 1})`);
  return peer;
}

async function handle(req: HostRequest): Promise<HostReply> {
  switch (req.op) {
    case 'publish':
      return { ok: true, op: 'publish', rumorId: peerAt(req.peer).publish(req.text) };
    case 'add':
      peerAt(req.peer).counter.add(req.delta);
      return { ok: true, op: 'add' };
    case 'invite':
      return { ok: true, op: 'invite', code: await peerAt(req.peer).invite() };
    case 'complete':
      await peerAt(req.peer).completeInvite(req.code);
      return { ok: true, op: 'complete' };
    case 'state': {
      const memory = process.memoryUsage();
      return {
        ok: true,
        op: 'state',
        rssBytes: memory.rss,
        heapUsedBytes: memory.heapUsed,
        peers: peers.map((p) => ({
          id: p.id,
          neighbors: p.neighbors(),
          counter: p.counter.value,
          serverConnected: p.serverConnected,
          rumors: p.rumors(),
          stats: p.stats(),
        })),
      };
    }
    case 'close':
      for (const p of peers) p.close();
      return { ok: true, op: 'close' };
  }
}

const input = createInterface({ input: process.stdin });
// One request at a time, answered in order (the parent pairs lines with requests).
let chain = Promise.resolve();
input.on('line', (line) => {
  chain = chain.then(async () => {
    try {
      reply(await handle(JSON.parse(line) as HostRequest));
    } catch (error: unknown) {
      reply({ ok: false, error: error instanceof Error ? error.message : String(error) });
    }
  });
});
input.once('close', () => {
  for (const p of peers) if (!p.closed) p.close();
  // Goodbyes are queued on the data channels; give them a moment before exiting.
  setTimeout(() => process.exit(0), 300);
});
