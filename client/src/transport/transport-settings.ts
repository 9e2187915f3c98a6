import { MAX_MESSAGE_BYTES } from '../core/wire.ts';
import type { DataLimits } from './link-io.ts';
import type { WebRtcTransportOptions } from './webrtc-contract.ts';

export const DEFAULT_CONNECT_TIMEOUT_MS = 15_000;
const DEFAULT_ANSWER_TIMEOUT_MS = 5_000;
/**
 * The channel's own buffer is kept small. Chromium hands SCTP packets to its network process with
 * a bounded number of bytes in flight; a large write lets SCTP send more at once than that, the
 * excess is lost inside the browser and the link backs off for seconds (a 5 MB burst with 1 MiB
 * here: one link in four stalled 5-15 s, one closed; with 32 KiB: none in 24 runs, and no slower).
 * A small buffer also keeps a ping from waiting behind much bulk data already handed to SCTP.
 */
const DEFAULT_MAX_BUFFERED_BYTES = 32 * 1024;
const DEFAULT_LOW_WATER_BYTES = 8 * 1024;
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
