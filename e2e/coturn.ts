import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './redis.ts';

/**
 * A real coturn for tests: on loopback, a free port, TURN REST auth (`use-auth-secret`), no TLS,
 * relaying to loopback peers allowed (everything here is loopback). Stopped by its own PID.
 */

export const TURNSERVER = '/usr/bin/turnserver';
const READY_MS = 10_000;

export interface TurnProcess {
  port: number;
  /** turn: URL for UDP. */
  url: string;
  secret: string;
  realm: string;
  stop(): Promise<void>;
  output(): string;
}

/** `port`: listen there (e.g. to start it again where it was); default a free one. */
export async function coturn(secret: string, port?: number): Promise<TurnProcess> {
  port ??= await freePort();
  const realm = 'gossip.test';
  const child: ChildProcess = spawn(
    TURNSERVER,
    [
      '-n', '--no-cli', '--no-tls', '--no-dtls', '--fingerprint', '--simple-log', '--log-file=stdout',
      '--listening-ip=127.0.0.1', '--relay-ip=127.0.0.1', `--listening-port=${port}`,
      '--min-port=49152', '--max-port=65535',
      '--use-auth-secret', `--static-auth-secret=${secret}`, `--realm=${realm}`,
      '--allow-loopback-peers', `--pidfile=${join(tmpdir(), `turnserver-${process.pid}-${port}.pid`)}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout?.setEncoding('utf8').on('data', (text: string) => (out += text));
  child.stderr?.setEncoding('utf8').on('data', (text: string) => (out += text));
  const exited = new Promise<never>((_, reject) => {
    child.once('error', (err) => reject(new Error(`could not start ${TURNSERVER}: ${err.message}`)));
    child.once('exit', (code) => reject(new Error(`turnserver exited with ${code}:\n${out}`)));
  });
  exited.catch(() => undefined);
  // Ready = it answers a STUN binding request on its UDP port (its log lines vary by build).
  const ready = Promise.race([stunAnswers(port, READY_MS), exited]).catch((err: unknown) => {
    child.kill('SIGKILL');
    throw new Error(`${err instanceof Error ? err.message : String(err)}\n${out}`);
  });
  await ready;
  return {
    port,
    url: `turn:127.0.0.1:${port}?transport=udp`,
    secret,
    realm,
    output: () => out,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Sends STUN binding requests every 100 ms until one is answered, or fails after `ms`. */
function stunAnswers(port: number, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    // Binding request: type 0x0001, length 0, magic cookie, 12-byte transaction id.
    const request = Buffer.concat([Buffer.from([0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42]), randomBytes(12)]);
    const done = (err?: Error): void => {
      clearInterval(every);
      clearTimeout(timer);
      socket.close();
      if (err) reject(err);
      else resolve();
    };
    socket.on('message', (reply) => {
      if (reply.length >= 20 && reply.readUInt16BE(0) === 0x0101) done();
    });
    socket.on('error', () => undefined);
    const send = (): void => socket.send(request, port, '127.0.0.1');
    const every = setInterval(send, 100);
    const timer = setTimeout(() => done(new Error(`turnserver answered no STUN request on 127.0.0.1:${port} in ${ms} ms`)), ms);
    send();
  });
}
