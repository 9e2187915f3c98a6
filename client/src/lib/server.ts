/**
 * gossip-mesh/server: the signaling server (signaling-server/src/server.ts) for embedding.
 *
 *   import { createSignalingServer } from 'gossip-mesh/server';
 *   const server = await createSignalingServer({ port: 0 });   // any free port
 *   console.log(server.url); ...; await server.close();
 */
import {
  createSignalingServer as createServer,
  type SignalingServerOptions,
  type SignalingStats,
} from '../../../signaling-server/src/server.ts';

export type { SignalingServerOptions, SignalingStats };

export interface MeshServer {
  /** What peers pass as `signaling` (and what a browser opens when `staticDir` is set). */
  readonly url: string;
  readonly port: number;
  stats(): SignalingStats;
  close(): Promise<void>;
}

/** Starts a signaling server; options and defaults as in SignalingServerOptions (port 0: any free port). */
export async function createSignalingServer(options: Partial<SignalingServerOptions> = {}): Promise<MeshServer> {
  const server = await createServer(options);
  return { url: server.address.url, port: server.address.port, stats: () => server.stats(), close: () => server.close() };
}
