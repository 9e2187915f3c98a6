import { parseArgs } from 'node:util';

/** The command line of `gossip-mesh`, checked: pure (no process access) so it is tested directly. */
export type Command =
  | { command: 'help'; text: string }
  | { command: 'serve'; argv: string[] }
  | { command: 'peer'; signaling: string; room: string; json: boolean; peerId?: string };

export type ParseResult = { ok: true; value: Command } | { ok: false; error: string };

export const USAGE = `usage:
  gossip-mesh serve [--port N] [--host H]     the signaling server and the demo page (PORT, HOST env too)
  gossip-mesh peer --signaling URL --room NAME [--peer-id ID] [--json]
                                              a headless peer: prints rumors and the counter as they
                                              change; each line typed on stdin is published
                                              ("/add N" adds to the counter, "/set TEXT" sets the register)
                                              signed with a fresh key (its hash is the id); --peer-id
                                              runs it unsigned under the id given (the server must
                                              allow unsigned joins: ALLOW_UNSIGNED=1)
  gossip-mesh --help`;

const fail = (error: string): ParseResult => ({ ok: false, error: `${error}\n${USAGE}` });

export function parseCommand(argv: readonly string[]): ParseResult {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    return { ok: true, value: { command: 'help', text: USAGE } };
  }
  if (rest.includes('--help') || rest.includes('-h')) return { ok: true, value: { command: 'help', text: USAGE } };
  // serve's flags are the server's own (signaling-server/src/config.ts checks them).
  if (command === 'serve') return { ok: true, value: { command: 'serve', argv: rest } };
  if (command !== 'peer') return fail(`unknown command ${JSON.stringify(command)}`);
  let values: { signaling?: string | undefined; room?: string | undefined; json?: boolean | undefined; 'peer-id'?: string | undefined };
  try {
    values = parseArgs({
      args: rest,
      options: { signaling: { type: 'string' }, room: { type: 'string' }, json: { type: 'boolean' }, 'peer-id': { type: 'string' } },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error: unknown) {
    return fail(error instanceof Error ? error.message : String(error));
  }
  if (values.signaling === undefined) return fail('peer: --signaling URL is required (the signaling server, e.g. http://127.0.0.1:8080/)');
  if (values.room === undefined) return fail('peer: --room NAME is required');
  return {
    ok: true,
    value: {
      command: 'peer',
      signaling: values.signaling,
      room: values.room,
      json: values.json === true,
      ...(values['peer-id'] !== undefined ? { peerId: values['peer-id'] } : {}),
    },
  };
}

/** A line typed into `peer`: a command or a rumor. */
export type InputLine = { kind: 'publish'; text: string } | { kind: 'add'; delta: number } | { kind: 'set'; value: string } | { kind: 'error'; error: string } | { kind: 'empty' };

export function parseInputLine(line: string): InputLine {
  const text = line.replace(/\r$/, '');
  if (text.trim() === '') return { kind: 'empty' };
  const add = /^\/add\s+(\S+)\s*$/.exec(text);
  if (add !== null) {
    const delta = Number(add[1]);
    return Number.isFinite(delta) ? { kind: 'add', delta } : { kind: 'error', error: `/add needs a number, got ${JSON.stringify(add[1])}` };
  }
  if (text.startsWith('/add')) return { kind: 'error', error: '/add needs a number, e.g. /add 1' };
  const set = /^\/set\s(.*)$/.exec(text);
  if (set !== null) return { kind: 'set', value: set[1] ?? '' };
  return { kind: 'publish', text };
}
