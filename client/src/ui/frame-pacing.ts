/**
 * How soon the graph draws its next frame. A glide moves nodes and needs every frame; a rumor's
 * flash is a fading ring that reads just as well at a few frames a second, and every tab of a
 * mesh flashes for the same rumor at once: at 60 fps, 24 tabs sharing two cores spend the time the
 * next hop's forwarding needs on drawing rings (the 24-tab bench's hop trace showed it as wire
 * time). So a flash alone asks for a frame every FLASH_FRAME_MS.
 */
export const FLASH_FRAME_MS = 100;

/** 'now': next animation frame; a number: wait that many ms first; null: nothing left to animate. */
export function nextFrameDelay(gliding: boolean, flashing: boolean): 'now' | number | null {
  if (gliding) return 'now';
  return flashing ? FLASH_FRAME_MS : null;
}
