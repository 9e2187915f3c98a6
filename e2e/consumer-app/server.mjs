// The app's server in three lines (README): the signaling server, serving this app's built page.
import { createSignalingServer } from 'gossip-mesh/server';
const server = await createSignalingServer({ port: 0, staticDir: new URL('./dist', import.meta.url).pathname });
console.log(server.url);
