/**
 * When a joining peer passed each step on its way into the mesh (epoch ms, the driver's clock),
 * each kept once, the first time: where a slow join spends its time (the benchmarks read it from
 * diagnostics().joinTimeline). Steps a peer never took stay absent.
 */
export type JoinStep =
  /** startMesh called (the page's script is running). */
  | 'started'
  /** The signing key is ready (or none is needed). */
  | 'identityReady'
  /** The signaling socket connected. */
  | 'serverConnected'
  /** The server answered the join (with the first introductions). */
  | 'joined'
  /** The first introductions were handed to the node. */
  | 'introduced'
  /** The node asked for its first link. */
  | 'firstConnect'
  /** The first WebRTC signal left / arrived (knock, offer, answer or candidate). */
  | 'firstSignalOut'
  | 'firstSignalIn'
  /** The first data channel opened. */
  | 'firstLink'
  /** As many links as the node's target (activeViewSize). */
  | 'targetDegree';

export type JoinTimelineRecord = Partial<Record<JoinStep, number>>;

export class JoinTimeline {
  private readonly steps: JoinTimelineRecord = {};

  constructor(private readonly now: () => number) {}

  /** Records `step` now, unless it was recorded before. */
  mark(step: JoinStep, at: number = this.now()): void {
    this.steps[step] ??= at;
  }

  record(): JoinTimelineRecord {
    return { ...this.steps };
  }
}
