import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfig, USAGE } from './config.ts';
import { createLogger } from './log.ts';
import { createSignalingServer, DEFAULT_SIGNALING_OPTIONS, type SignalingServer } from './server.ts';

/**
 * CLI entry point: `tsx signaling-server/src/main.ts [--port N] [--host H] [--dev] [--help]`.
 * The environment variables are listed by `--help` (config.ts USAGE). Bad values exit with code 2.
 * The first stdout line carries the URL; the e2e harness parses it, so logs go to stderr.
 */

const here = dirname(fileURLToPath(import.meta.url));
const parsed = parseConfig(process.env, process.argv.slice(2), resolve(here, '../../dist'));
if (!parsed.ok) {
  process.stderr.write(`signaling-server: ${parsed.error}\n`);
  process.exit(2);
}
if (!('config' in parsed)) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const config = parsed.config;
const instanceId = config.instanceId ?? DEFAULT_SIGNALING_OPTIONS.instanceId;
const logger = createLogger(config.logLevel, instanceId);

if (!config.dev && !existsSync(join(config.staticDir, 'index.html'))) {
  process.stderr.write(
    `signaling-server: warning: no index.html in ${config.staticDir}; ` +
      'run `npm run build` to build the client (starting anyway)\n',
  );
}

// Registered before listening: the URL line means "ready", including for signals.
let server: SignalingServer | undefined;
let stopping = false;
function shutdown(signal: NodeJS.Signals): void {
  if (stopping) {
    // A second Ctrl-C means "now".
    process.exit(1);
  }
  stopping = true;
  process.stderr.write(`signaling-server: ${signal}, shutting down\n`);
  // Not listening yet: nothing to close.
  if (!server) process.exit(0);
  // Never hang on shutdown: close() is bounded by shutdownMs; this is the backstop.
  setTimeout(() => {
    process.stderr.write('signaling-server: shutdown timed out\n');
    process.exit(1);
  }, config.shutdownMs + 2000).unref();
  server.close().then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`signaling-server: error while closing: ${String(err)}\n`);
      process.exit(1);
    },
  );
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);

let started: SignalingServer;
try {
  started = await createSignalingServer({
    port: config.port,
    host: config.host,
    staticDir: config.staticDir,
    introductions: config.introductions,
    redisUrl: config.redisUrl,
    instanceId,
    iceServers: config.iceServers,
    turn: config.turn,
    logger,
    shutdownMs: config.shutdownMs,
    allowUnsigned: config.allowUnsigned,
    ...(config.maxSocketsPerAddress !== undefined ? { maxSocketsPerAddress: config.maxSocketsPerAddress } : {}),
    ...(config.addressEventsPerSec !== undefined ? { addressEventsPerSec: config.addressEventsPerSec } : {}),
  });
} catch (err: unknown) {
  process.stderr.write(
    `signaling-server: could not start on ${config.host}:${config.port}: ${err instanceof Error ? err.message : String(err)}\n`,
  );
  process.exit(1);
}

server = started;
// Handlers are in place before this line, so a signal right after it is always handled.
process.stdout.write(
  `Gossip mesh signaling server at ${started.address.url} — open this URL in several tabs\n`,
);
