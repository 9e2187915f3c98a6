import { fanoutSample, type ModeFactory } from './mode.ts';

/** Push-pull: one exchange carries the digest and the hot rumors both ways. */
export const pushPull: ModeFactory = (ctx) => ({
  digestInAntiEntropy: false,
  eagerTargets: () => [],
  stateTargets: (except) => fanoutSample(ctx, except),
  roundMessage: (now) => ({ t: 'pull', digest: ctx.store.digest(), rumors: ctx.store.hot(now) }),
});
