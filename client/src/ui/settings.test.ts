import { describe, expect, it } from 'vitest';
import { createOptions, MODES } from '../core/options.ts';
import {
  DEFAULT_SETTINGS,
  FANOUT_RANGE,
  PERIOD_MS_RANGE,
  parseSettings,
  settingsFormProblems,
  settingsToSearch,
  type SettingsResult,
} from './settings.ts';

function errorsOf(result: SettingsResult): string[] {
  if (result.ok) throw new Error(`expected errors, got settings ${JSON.stringify(result.settings)}`);
  return result.errors;
}

function settingsOf(result: SettingsResult) {
  if (!result.ok) throw new Error(`expected settings, got errors ${result.errors.join(' | ')}`);
  return result.settings;
}

describe('parseSettings', () => {
  it('uses the defaults for an empty query', () => {
    expect(settingsOf(parseSettings(''))).toEqual({ room: 'lobby', mode: 'tree', periodMs: 1000, fanout: 3 });
    expect(settingsOf(parseSettings('?'))).toEqual(DEFAULT_SETTINGS);
  });

  it('defaults agree with the core options', () => {
    const core = createOptions();
    expect(DEFAULT_SETTINGS.mode).toBe(core.mode);
    expect(DEFAULT_SETTINGS.periodMs).toBe(core.periodMs);
    expect(DEFAULT_SETTINGS.fanout).toBe(core.fanout);
  });

  it('treats empty values as not given', () => {
    expect(settingsOf(parseSettings('?room=&mode=&periodMs=&fanout=&server='))).toEqual(DEFAULT_SETTINGS);
  });

  it('reads every setting, with or without the leading ?', () => {
    const expected = { room: 'team-1.a_b', mode: 'push-pull', periodMs: 250, fanout: 5 };
    expect(settingsOf(parseSettings('?room=team-1.a_b&mode=push-pull&periodMs=250&fanout=5'))).toEqual(expected);
    expect(settingsOf(parseSettings('room=team-1.a_b&mode=push-pull&periodMs=250&fanout=5'))).toEqual(expected);
  });

  it('accepts every mode', () => {
    for (const mode of MODES) expect(settingsOf(parseSettings(`?mode=${mode}`)).mode).toBe(mode);
  });

  it('accepts the range boundaries', () => {
    const low = settingsOf(parseSettings(`?periodMs=${PERIOD_MS_RANGE.min}&fanout=${FANOUT_RANGE.min}`));
    expect([low.periodMs, low.fanout]).toEqual([PERIOD_MS_RANGE.min, FANOUT_RANGE.min]);
    const high = settingsOf(parseSettings(`?periodMs=${PERIOD_MS_RANGE.max}&fanout=${FANOUT_RANGE.max}`));
    expect([high.periodMs, high.fanout]).toEqual([PERIOD_MS_RANGE.max, FANOUT_RANGE.max]);
  });

  it('uses the same ranges as createOptions', () => {
    expect(() => createOptions({ periodMs: PERIOD_MS_RANGE.min })).not.toThrow();
    expect(() => createOptions({ periodMs: PERIOD_MS_RANGE.max })).not.toThrow();
    expect(() => createOptions({ periodMs: PERIOD_MS_RANGE.min - 1 })).toThrow(/periodMs/);
    expect(() => createOptions({ periodMs: PERIOD_MS_RANGE.max + 1 })).toThrow(/periodMs/);
    expect(() => createOptions({ fanout: FANOUT_RANGE.min })).not.toThrow();
    expect(() => createOptions({ fanout: FANOUT_RANGE.max })).not.toThrow();
    expect(() => createOptions({ fanout: FANOUT_RANGE.min - 1 })).toThrow(/fanout/);
    expect(() => createOptions({ fanout: FANOUT_RANGE.max + 1 })).toThrow(/fanout/);
  });

  it('signs by default; signed=false turns it off and survives a round trip; anything else is refused', () => {
    expect(settingsOf(parseSettings('?room=r')).signed).toBeUndefined();
    const off = settingsOf(parseSettings('?signed=false'));
    expect(off.signed).toBe(false);
    expect(settingsOf(parseSettings(settingsToSearch(off))).signed).toBe(false);
    expect(settingsOf(parseSettings('?signed=true')).signed).toBe(true);
    expect(errorsOf(parseSettings('?signed=no'))).toEqual(['signed must be true or false; got "no"']);
  });

  it('ignores unknown parameters', () => {
    expect(settingsOf(parseSettings('?debug=1&room=r'))).toEqual({ ...DEFAULT_SETTINGS, room: 'r' });
  });

  it('rejects a bad room, naming the parameter and what is allowed', () => {
    for (const room of ['a b', 'x'.repeat(65), 'café', 'a/b', '%00']) {
      const errors = errorsOf(parseSettings(`?room=${encodeURIComponent(room)}`));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/^room must be 1 to 64 characters among letters, digits/);
    }
    expect(settingsOf(parseSettings(`?room=${'x'.repeat(64)}`)).room).toBe('x'.repeat(64));
  });

  it('rejects an unknown mode, listing the modes', () => {
    const errors = errorsOf(parseSettings('?mode=gossip'));
    expect(errors).toEqual([`mode must be one of ${MODES.join(', ')}; got "gossip"`]);
    expect(errors[0]).toContain('push-pull');
    // Case matters: the core's enum is lower case.
    errorsOf(parseSettings('?mode=Eager'));
  });

  it('rejects out-of-range and non-integer periodMs', () => {
    for (const raw of ['9', '0', '3600001', '-5', '1.5', '1e3', 'abc', ' 100', '0x10', '99999999999']) {
      const errors = errorsOf(parseSettings(`?periodMs=${encodeURIComponent(raw)}`));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/^periodMs must be a whole number of milliseconds from 10 to 3600000; got /);
    }
  });

  it('rejects out-of-range and non-integer fanout', () => {
    for (const raw of ['0', '65', '-1', '2.5', 'three']) {
      const errors = errorsOf(parseSettings(`?fanout=${encodeURIComponent(raw)}`));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/^fanout must be a whole number from 1 to 64; got /);
    }
  });

  it('reports every bad parameter at once', () => {
    const errors = errorsOf(parseSettings('?room=no%20spaces&mode=x&periodMs=1&fanout=100&server=ftp://h'));
    expect(errors.map((e) => e.split(' ')[0])).toEqual(['room', 'mode', 'periodMs', 'fanout', 'server']);
  });

  it('rejects a parameter given twice', () => {
    expect(errorsOf(parseSettings('?room=a&room=b'))).toEqual(['room is given 2 times; give it at most once']);
  });

  it('accepts an http(s) or ws(s) server URL and rejects anything else', () => {
    expect(settingsOf(parseSettings('?server=http://127.0.0.1:8080')).server).toBe('http://127.0.0.1:8080/');
    expect(settingsOf(parseSettings('?server=wss://example.org/sig')).server).toBe('wss://example.org/sig');
    expect(settingsOf(parseSettings('')).server).toBeUndefined();
    expect('server' in settingsOf(parseSettings(''))).toBe(false);
    for (const raw of ['localhost:8080', 'not a url', 'ftp://example.org', 'javascript:alert(1)', '/relative']) {
      const errors = errorsOf(parseSettings(`?server=${encodeURIComponent(raw)}`));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/^server must be an absolute http:\/\/, https:\/\/, ws:\/\/ or wss:\/\/ URL/);
    }
  });

  it('takes several servers separated by commas, in order, and names each bad one', () => {
    const both = settingsOf(parseSettings('?server=http://127.0.0.1:1,%20http://127.0.0.1:2'));
    expect(both.servers).toEqual(['http://127.0.0.1:1/', 'http://127.0.0.1:2/']);
    expect(both.server).toBe('http://127.0.0.1:1/');
    expect('servers' in settingsOf(parseSettings('?server=http://127.0.0.1:1'))).toBe(false);
    const errors = errorsOf(parseSettings('?server=http://ok.example,ftp://no.example,'));
    expect(errors).toHaveLength(2);
    expect(errors[0]).toContain('got "ftp://no.example"');
    expect(errors[1]).toContain('got ""');
    expect(errorsOf(parseSettings(`?server=${Array(9).fill('http://a.example').join(',')}`))).toEqual([
      'server lists 9 URLs; give at most 8, separated by commas',
    ]);
  });

  it('takes iceTransportPolicy all or relay and says what is allowed otherwise', () => {
    expect(settingsOf(parseSettings('?iceTransportPolicy=relay')).iceTransportPolicy).toBe('relay');
    expect(settingsOf(parseSettings('?iceTransportPolicy=all')).iceTransportPolicy).toBe('all');
    expect(errorsOf(parseSettings('?iceTransportPolicy=turn'))).toEqual(['iceTransportPolicy must be one of all, relay; got "turn"']);
  });
});

describe('settingsToSearch', () => {
  it('round-trips a server list and the relay policy', () => {
    const settings = {
      ...DEFAULT_SETTINGS,
      server: 'https://a.example/',
      servers: ['https://a.example/', 'wss://b.example/sig'],
      iceTransportPolicy: 'relay' as const,
    };
    expect(settingsOf(parseSettings(settingsToSearch(settings)))).toEqual(settings);
  });

  it('round-trips through parseSettings', () => {
    const settings = { room: 'r.1', mode: 'pull' as const, periodMs: 50, fanout: 7, server: 'https://sig.example/' };
    expect(settingsOf(parseSettings(settingsToSearch(settings)))).toEqual(settings);
    expect(settingsOf(parseSettings(settingsToSearch(DEFAULT_SETTINGS)))).toEqual(DEFAULT_SETTINGS);
  });

  it('spells out every mesh setting', () => {
    expect(settingsToSearch(DEFAULT_SETTINGS)).toBe('?room=lobby&mode=tree&periodMs=1000&fanout=3');
  });
});

describe('settingsFormProblems', () => {
  const good = { room: 'lobby', mode: 'tree', periodMs: '1000', fanout: '3' };

  it('accepts a complete, valid form', () => {
    expect(settingsFormProblems(good)).toEqual([]);
  });

  it('says why an empty Period field is refused (a URL would take the default; the form must not)', () => {
    expect(settingsFormProblems({ ...good, periodMs: '' })).toEqual([
      `Period (ms) is empty: give a whole number of milliseconds from ${PERIOD_MS_RANGE.min} to ${PERIOD_MS_RANGE.max}`,
    ]);
    expect(settingsFormProblems({ ...good, periodMs: '   ', fanout: '' })).toHaveLength(2);
  });

  it('reports out-of-range values with the URL parser’s own messages', () => {
    expect(settingsFormProblems({ ...good, periodMs: '5' })).toEqual([
      `periodMs must be a whole number of milliseconds from ${PERIOD_MS_RANGE.min} to ${PERIOD_MS_RANGE.max}; got 5`,
    ]);
  });
});
