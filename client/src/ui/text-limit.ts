/**
 * What the page's text boxes may send: the wire caps a rumor and a register value by UTF-8 bytes
 * (core/wire.ts), while browsers count length in UTF-16 units. Pure, so it is tested without a DOM.
 */

const encoder = new TextEncoder();

export interface Fitted {
  /** The longest prefix of the text, cut at a character boundary, that fits. */
  text: string;
  /** True when something was cut off. */
  cut: boolean;
}

/**
 * Cuts `text` to at most `maxBytes` bytes of UTF-8, never inside a character. Costs O(maxBytes),
 * not O(text), so a megabyte pasted by mistake is cheap to refuse.
 */
export function fitUtf8(text: string, maxBytes: number): Fitted {
  // A UTF-16 unit is at least one UTF-8 byte: a text this short always fits.
  if (text.length <= maxBytes / 3) return { text, cut: false };
  const buffer = new Uint8Array(maxBytes);
  // encodeInto stops before a character that would not fit whole; `read` counts UTF-16 units.
  const { read } = encoder.encodeInto(text, buffer);
  return read >= text.length ? { text, cut: false } : { text: text.slice(0, read), cut: true };
}

/** Why `text` is not sent as a rumor, or null when it is (after fitUtf8 it is never too long). */
export function rumorProblem(text: string): string | null {
  return text.trim() === '' ? 'Nothing sent: a blank rumor would only be noise. Type some text first.' : null;
}

/** The message shown after a cut, naming the limit and how much was there. */
export function cutMessage(maxBytes: number, originalUnits: number): string {
  const size = originalUnits >= 10_000 ? `${Math.round(originalUnits / 1000).toLocaleString('en-US')}k characters` : `${originalUnits} characters`;
  return `Cut to ${maxBytes} bytes, the most the mesh carries here: the text was ${size}.`;
}
