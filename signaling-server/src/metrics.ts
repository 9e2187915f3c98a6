import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import { REJECT_REASONS, type RejectReason } from './handlers.ts';

/**
 * Per-instance Prometheus metrics (GET /metrics). A registry per server, not prom-client's
 * global one, so several servers in one process (tests, the bench) keep their own counts.
 */
export interface SignalingMetrics {
  registry: Registry;
  connections: Counter;
  joins: Counter;
  signalsRelayed: Counter;
  rejections: Counter<'reason'>;
}

export interface Gauges {
  sockets: () => number;
  rooms: () => number;
  members: () => number;
  /** 1 up, 0 down, -1 not configured. */
  redisUp: () => number;
}

export function createMetrics(instanceId: string, gauges: Gauges): SignalingMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ instance: instanceId });
  // process_cpu_seconds_total, process_resident_memory_bytes, event loop lag: per instance.
  collectDefaultMetrics({ register: registry });
  const gauge = (name: string, help: string, read: () => number): void => {
    new Gauge({ name, help, registers: [registry], collect() { this.set(read()); } });
  };
  gauge('signaling_sockets', 'Connected socket.io sockets on this instance', gauges.sockets);
  gauge('signaling_rooms', 'Rooms with a member on this instance', gauges.rooms);
  gauge('signaling_members', 'Joined members on this instance', gauges.members);
  gauge('signaling_redis_up', 'Redis connection: 1 up, 0 down, -1 not configured', gauges.redisUp);
  const rejections = new Counter({
    name: 'signaling_rejections_total',
    help: 'Requests and connections refused, by reason',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  // Every reason shows from the start, at 0, so a dashboard can tell "none" from "unknown".
  for (const reason of REJECT_REASONS) rejections.inc({ reason }, 0);
  return {
    registry,
    rejections,
    connections: new Counter({ name: 'signaling_connections_total', help: 'Sockets connected since start', registers: [registry] }),
    joins: new Counter({ name: 'signaling_joins_total', help: 'Successful joins', registers: [registry] }),
    signalsRelayed: new Counter({ name: 'signaling_signals_relayed_total', help: 'Signals relayed to a peer', registers: [registry] }),
  };
}

export function countRejection(metrics: SignalingMetrics, reason: RejectReason): void {
  metrics.rejections.inc({ reason });
}
