import { describe, expect, it } from 'vitest';
import { parseCommand, parseInputLine } from './args.ts';

describe('parseCommand', () => {
  it('reads serve and peer', () => {
    expect(parseCommand(['serve', '--port', '0'])).toEqual({ ok: true, value: { command: 'serve', argv: ['--port', '0'] } });
    expect(parseCommand(['peer', '--signaling', 'http://h:1/', '--room', 'r', '--json'])).toEqual({
      ok: true,
      value: { command: 'peer', signaling: 'http://h:1/', room: 'r', json: true },
    });
    expect(parseCommand([])).toMatchObject({ ok: true, value: { command: 'help' } });
    expect(parseCommand(['peer', '--help'])).toMatchObject({ ok: true, value: { command: 'help' } });
  });

  it('says what is wrong, then the usage', () => {
    const missing = parseCommand(['peer', '--room', 'r']);
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.error).toMatch(/--signaling URL is required[\s\S]*usage:/);
    const unknown = parseCommand(['peer', '--signaling', 'u', '--room', 'r', '--bogus']);
    expect(!unknown.ok && unknown.error.includes('--bogus')).toBe(true);
    expect(parseCommand(['start'])).toMatchObject({ ok: false, error: expect.stringContaining('unknown command "start"') });
  });
});

describe('parseInputLine', () => {
  it('publishes text, adds and sets by command', () => {
    expect(parseInputLine('hello')).toEqual({ kind: 'publish', text: 'hello' });
    expect(parseInputLine('/add -2')).toEqual({ kind: 'add', delta: -2 });
    expect(parseInputLine('/add x')).toMatchObject({ kind: 'error' });
    expect(parseInputLine('/set blue sky')).toEqual({ kind: 'set', value: 'blue sky' });
    expect(parseInputLine('  ')).toEqual({ kind: 'empty' });
  });
});
