#!/usr/bin/env node
import { parseCommand } from './args.ts';
import { runPeer } from './peer.ts';
import { runServe } from './serve.ts';

/** `gossip-mesh serve|peer|--help` (see args.ts). Bad options: what is wrong, then usage, exit 2. */
const parsed = parseCommand(process.argv.slice(2));
if (!parsed.ok) {
  process.stderr.write(`gossip-mesh: ${parsed.error}\n`);
  process.exit(2);
}
const command = parsed.value;
try {
  if (command.command === 'help') process.stdout.write(`${command.text}\n`);
  else if (command.command === 'serve') await runServe(command.argv);
  else {
    await runPeer(command);
    process.exit(0);
  }
} catch (error: unknown) {
  process.stderr.write(`gossip-mesh: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(error instanceof Error && 'code' in error && error.code === 'bad-option' ? 2 : 1);
}
