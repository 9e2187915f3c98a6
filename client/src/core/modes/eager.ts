import { digestPull, fanoutSample, type ModeFactory } from './mode.ts';

/** Eager: forward on first receipt to `fanout` random neighbours; a digest pull each period repairs gaps. */
export const eager: ModeFactory = (ctx) => ({
  digestInAntiEntropy: false,
  eagerTargets: (except) => fanoutSample(ctx, except),
  stateTargets: (except) => fanoutSample(ctx, except),
  roundMessage: () => digestPull(ctx),
});
