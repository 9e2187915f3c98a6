import { describe, expect, it } from 'vitest';
import { FLASH_FRAME_MS, nextFrameDelay } from './frame-pacing.ts';

describe('nextFrameDelay', () => {
  it('draws every frame while nodes glide, flash or not', () => {
    expect(nextFrameDelay(true, false)).toBe('now');
    expect(nextFrameDelay(true, true)).toBe('now');
  });

  it('paces a flash alone to a few frames a second', () => {
    expect(nextFrameDelay(false, true)).toBe(FLASH_FRAME_MS);
    expect(FLASH_FRAME_MS).toBeGreaterThanOrEqual(50);
  });

  it('stops when nothing moves', () => {
    expect(nextFrameDelay(false, false)).toBeNull();
  });
});
