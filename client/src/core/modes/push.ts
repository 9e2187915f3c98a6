import { fanoutSample, type ModeFactory } from './mode.ts';

/** Push: each period an informed node pushes its hot rumors; rumor mongering stops them (rumors.ts). */
export const push: ModeFactory = (ctx) => ({
  digestInAntiEntropy: true,
  eagerTargets: () => [],
  stateTargets: (except) => fanoutSample(ctx, except),
  roundMessage(now) {
    const hot = ctx.store.hot(now);
    return hot.length === 0 ? null : { t: 'push', rumors: hot, seen: [], wantFeedback: true };
  },
});
