import { MODES } from '../core/options.ts';
import type { NodeEvent } from '../core/outbox.ts';
import { deliveredRumor, type MeshDriver, type Place } from '../mesh/driver.ts';
import { startMesh } from '../mesh/start.ts';
import { MeshError } from './errors.ts';
import { Emitter } from './events.ts';
import { parseMeshOptions } from './options.ts';
import type { Mesh, MeshEventName, MeshEvents, Mode } from './types.ts';

/** Open meshes with an explicit peer id, by server + room + id: joining twice is a caller's mistake. */
const openWithId = new Set<string>();

/**
 * joinMesh for a place (the browser's, or Node's with @roamhq/wrtc): checks the options, starts
 * the driver (mesh/driver.ts) and wraps it in the public Mesh.
 */
export async function joinMeshAt(options: unknown, place: Place | undefined, signalingRequired: boolean): Promise<Mesh> {
  const { settings, signaling } = parseMeshOptions(options, { signalingRequired });
  const key = settings.peerId === undefined ? undefined : `${signaling ?? ''}\n${settings.room}\n${settings.peerId}`;
  if (key !== undefined && openWithId.has(key)) {
    throw new MeshError('already-joined', `peer "${settings.peerId}" is already in room "${settings.room}" (close it first)`);
  }
  if (key !== undefined) openWithId.add(key);
  let driver: MeshDriver;
  try {
    driver = await startMesh(settings, place);
  } catch (error: unknown) {
    if (key !== undefined) openWithId.delete(key);
    throw new MeshError('join-failed', error instanceof Error ? error.message : String(error));
  }
  return new PublicMesh(driver, () => {
    if (key !== undefined) openWithId.delete(key);
  });
}

class PublicMesh implements Mesh {
  readonly id: string;
  readonly room: string;
  readonly counter: Mesh['counter'];
  readonly register: Mesh['register'];
  readonly aggregates: Mesh['aggregates'];
  private readonly events = new Emitter<MeshEvents>();
  private readonly stops: (() => void)[] = [];
  private closed_ = false;
  private peers: string[] = [];
  private server: boolean;

  constructor(
    private readonly driver: MeshDriver,
    private readonly onClose: () => void,
  ) {
    this.id = driver.id;
    this.room = driver.settings.room;
    this.server = driver.serverConnected();
    this.peers = driver.neighbors();
    const live = (): MeshDriver => this.live();
    this.counter = {
      add: (delta) => {
        if (!Number.isFinite(delta)) throw new MeshError('bad-option', 'must be a finite number', 'delta');
        live().add(delta);
      },
      get value() {
        return live().counter();
      },
    };
    this.register = {
      set: (value) => {
        if (typeof value !== 'string') throw new MeshError('bad-option', 'must be a string', 'value');
        callerStep('value', () => live().setRegister(value));
      },
      get value() {
        return live().register();
      },
    };
    this.aggregates = {
      get size() {
        return live().aggregates()?.size ?? null;
      },
      get average() {
        return live().aggregates()?.average ?? null;
      },
      get min() {
        return live().aggregates()?.min ?? null;
      },
      get max() {
        return live().aggregates()?.max ?? null;
      },
      get estimate() {
        return live().aggregates();
      },
      get value() {
        return live().aggregateValue();
      },
      setValue: (value) => {
        if (!Number.isFinite(value)) throw new MeshError('bad-option', 'must be a finite number', 'value');
        live().setAggregateValue(value);
      },
    };
    this.stops.push(driver.onNodeEvent((event) => this.nodeEvent(event)));
    // Links and the server connection are read after each settled step (coalesced by the driver).
    this.stops.push(driver.subscribe(() => this.settled()));
  }

  get closed(): boolean {
    return this.closed_;
  }

  get serverConnected(): boolean {
    return this.live().serverConnected();
  }

  publish(text: string): string {
    if (typeof text !== 'string') throw new MeshError('bad-option', 'must be a string', 'text');
    return callerStep('text', () => this.live().publish(text));
  }

  neighbors(): string[] {
    return [...this.live().neighbors()];
  }

  knownPeers(): string[] {
    return [...this.live().known()];
  }

  topology(): Record<string, string[]> {
    return Object.fromEntries([...this.live().graph()].map(([peer, links]) => [peer, [...links]]));
  }

  get mode(): Mode {
    return this.live().mode();
  }

  setMode(mode: Mode): void {
    if (!(MODES as readonly unknown[]).includes(mode)) throw new MeshError('bad-option', `must be one of ${MODES.join(', ')}`, 'mode');
    this.live().setMode(mode);
  }

  rumors(): ReturnType<Mesh['rumors']> {
    return this.live().rumors();
  }

  stats(): ReturnType<Mesh['stats']> {
    return this.live().stats();
  }

  diagnostics(): ReturnType<Mesh['diagnostics']> {
    return structuredClone(this.live().diagnostics());
  }

  invite(): Promise<string> {
    return inviteStep(() => this.live().createInvite());
  }

  acceptInvite(code: string): Promise<string> {
    return inviteStep(() => this.live().acceptInvite(code));
  }

  completeInvite(answer: string): Promise<void> {
    return inviteStep(() => this.live().completeInvite(answer));
  }

  on<E extends MeshEventName>(event: E, listener: (payload: MeshEvents[E]) => void): () => void {
    this.live();
    if (!EVENT_NAMES.includes(event)) {
      throw new MeshError('bad-option', `unknown event "${String(event)}" (one of ${EVENT_NAMES.join(', ')})`, 'event');
    }
    if (typeof listener !== 'function') throw new MeshError('bad-option', 'must be a function', 'listener');
    return this.events.on(event, listener);
  }

  close(): void {
    if (this.closed_) return;
    this.closed_ = true;
    for (const stop of this.stops) stop();
    this.events.clear();
    this.driver.close();
    this.onClose();
  }

  private live(): MeshDriver {
    if (this.closed_) throw new MeshError('closed', 'this mesh was closed; call joinMesh again');
    return this.driver;
  }

  private nodeEvent(event: NodeEvent): void {
    if (event.type === 'rumor') this.events.emit('rumor', deliveredRumor(event));
    else if (event.type === 'counter') this.events.emit('counter', event.value);
    else if (event.type === 'register') this.events.emit('register', { ...event.value });
  }

  private settled(): void {
    if (this.closed_) return;
    this.events.emit('change', undefined);
    const peers = this.driver.neighbors();
    if (peers.length !== this.peers.length || peers.some((peer, i) => peer !== this.peers[i])) {
      this.peers = [...peers];
      this.events.emit('peers', [...peers]);
    }
    const server = this.driver.serverConnected();
    if (server !== this.server) {
      this.server = server;
      this.events.emit('server', server);
    }
  }
}

/** The core refused the caller's argument (too long, malformed, a bad or stale invite code): a coded error naming it. */
function callerError(option: string, error: unknown): MeshError {
  return error instanceof MeshError ? error : new MeshError('bad-option', error instanceof Error ? error.message : String(error), option);
}

function callerStep<T>(option: string, step: () => T): T {
  try {
    return step();
  } catch (error: unknown) {
    throw callerError(option, error);
  }
}

async function inviteStep<T>(step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error: unknown) {
    throw callerError('code', error);
  }
}

export const EVENT_NAMES: readonly MeshEventName[] = ['rumor', 'counter', 'register', 'peers', 'server', 'change'];
