import { allBut, digestPull, type ModeFactory } from './mode.ts';

/** Flood, the naive baseline (what y-webrtc does): forward every new rumor to every neighbour. */
export const flood: ModeFactory = (ctx) => ({
  digestInAntiEntropy: false,
  eagerTargets: (except) => allBut(ctx.neighbors(), except),
  stateTargets: (except) => allBut(ctx.neighbors(), except),
  roundMessage: () => digestPull(ctx),
});
