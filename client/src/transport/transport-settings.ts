import { MAX_MESSAGE_BYTES } from '../core/wire.ts';
import type { DataLimits } from './link-io.ts';
import type { WebRtcTransportOptions } from './webrtc-contract.ts';

export const DEFAULT_CONNECT_TIMEOUT_MS = 15_000;
const DEFAULT_ANSWER_TIMEOUT_MS = 5_000;
const DEFAULT_MAX_BUFFERED_BYTES = 1024 * 1024;
const DEFAULT_LOW_WATER_BYTES = 256 * 1024;
const DEFAULT_MAX_QUEUED_BYTES = 16 * 1024 * 1024;
const DEFAULT_MAX_FRAME_BYTES = 8 * 1024;
const DEFAULT_ICE_RESTART_AFTER_MS = 3_000;
const DEFAULT_ICE_RESTART_TIMEOUT_MS = 10_000;

/** The transport's options with every default filled in (units in the names, as given). */
export interface TransportSettings {
  iceServers: RTCIceServer[];
  connectTimeoutMs: number;
  answerTimeoutMs: number;
  limits: DataLimits;
  iceRestartAfterMs: number;
  iceRestartTimeoutMs: number;
}

export function transportSettings(options: WebRtcTransportOptions): TransportSettings {
  return {
    iceServers: options.iceServers ?? [],
    connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    answerTimeoutMs: options.answerTimeoutMs ?? DEFAULT_ANSWER_TIMEOUT_MS,
    limits: {
      maxMessageBytes: options.maxMessageBytes ?? MAX_MESSAGE_BYTES,
      maxFrameBytes: options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
      maxQueuedBytes: options.maxQueuedBytes ?? DEFAULT_MAX_QUEUED_BYTES,
      highWaterBytes: options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES,
      lowWaterBytes: options.lowWaterBytes ?? DEFAULT_LOW_WATER_BYTES,
    },
    iceRestartAfterMs: options.iceRestartAfterMs ?? DEFAULT_ICE_RESTART_AFTER_MS,
    iceRestartTimeoutMs: options.iceRestartTimeoutMs ?? DEFAULT_ICE_RESTART_TIMEOUT_MS,
  };
}
