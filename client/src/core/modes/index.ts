import type { Mode } from '../options.ts';
import { eager } from './eager.ts';
import { flood } from './flood.ts';
import type { ModeFactory } from './mode.ts';
import { pull } from './pull.ts';
import { pushPull } from './push-pull.ts';
import { push } from './push.ts';
import { tree } from './tree.ts';

export type { Arrival, ModeBehaviour, ModeFactory, SpreadingContext } from './mode.ts';

export const MODE_FACTORIES: Readonly<Record<Mode, ModeFactory>> = {
  push,
  pull,
  'push-pull': pushPull,
  eager,
  tree,
  flood,
};
