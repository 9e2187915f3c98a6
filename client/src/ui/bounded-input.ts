import { setText } from './dom.ts';
import { cutMessage, fitUtf8 } from './text-limit.ts';

/**
 * Keeps a text box within what the wire can carry (`maxBytes` of UTF-8): a paste is cut before it
 * lands (a megabyte never reaches the DOM), anything else that overflows (typing, drop, autofill)
 * is cut on input, and `message` says so. Editing within the limit clears the message.
 */
export function boundInput(input: HTMLInputElement, maxBytes: number, message: HTMLElement): void {
  input.addEventListener('paste', (event) => {
    const pasted = event.clipboardData?.getData('text/plain');
    if (pasted === undefined) return;
    const start = input.selectionStart ?? input.value.length;
    const end = input.selectionEnd ?? start;
    const before = input.value.slice(0, start);
    const after = input.value.slice(end);
    const whole = before + pasted + after;
    const fitted = fitUtf8(whole, maxBytes);
    if (!fitted.cut) return; // fits: let the browser paste as usual
    event.preventDefault();
    // Keep what was typed around the caret; the paste gets what room is left.
    const room = fitUtf8(before + pasted, Math.max(0, maxBytes - new TextEncoder().encode(after).byteLength)).text;
    input.value = room + after;
    input.setSelectionRange(room.length, room.length);
    setText(message, cutMessage(maxBytes, whole.length));
  });
  input.addEventListener('input', () => {
    const length = input.value.length;
    const fitted = fitUtf8(input.value, maxBytes);
    if (fitted.cut) {
      input.value = fitted.text;
      setText(message, cutMessage(maxBytes, length));
    } else {
      setText(message, '');
    }
  });
}
