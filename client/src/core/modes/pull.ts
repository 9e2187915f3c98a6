import { digestPull, fanoutSample, type ModeFactory } from './mode.ts';

/** Pull: each period a node sends its digest and gets back what it lacks. */
export const pull: ModeFactory = (ctx) => ({
  digestInAntiEntropy: false,
  eagerTargets: () => [],
  stateTargets: (except) => fanoutSample(ctx, except),
  roundMessage: () => digestPull(ctx),
});
