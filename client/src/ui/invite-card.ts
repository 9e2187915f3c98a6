import type { Mesh } from '../lib/types.ts';
import { el } from './dom.ts';
import { card } from './widgets.ts';

/** Where an invite code rides in a link: `...?room=R#invite=CODE`. */
export const INVITE_HASH = '#invite=';

/**
 * Join with no server and no shared browser: this tab makes an invite link for another device,
 * the other device opens it and shows an answer code, which is pasted back here. With a link
 * opened this way, the rest of the mesh is reached through it. A page opened from an invite link
 * answers it at once.
 */
export function inviteCard(mesh: Mesh): HTMLElement {
  const output = el('textarea', { class: 'invite-code', readonly: true, rows: 3, 'aria-label': 'Invite link or answer code' });
  const answerInput = el('textarea', { class: 'invite-code', rows: 3, placeholder: 'Paste the answer code from the other device', 'aria-label': 'Answer code' });
  const status = el('p', { class: 'invite-status', role: 'status' });
  const show = (text: string, isError = false): void => {
    status.textContent = text;
    status.classList.toggle('error', isError);
  };
  const failed = (error: unknown): void => show(error instanceof Error ? error.message : String(error), true);

  const make = el('button', { type: 'button' }, 'Make an invite link');
  make.addEventListener('click', () => {
    show('gathering network candidates…');
    mesh.invite().then((code) => {
      const url = new URL(location.href);
      url.hash = `${INVITE_HASH.slice(1)}${code}`;
      output.value = url.toString();
      show('Open this link on the other device, then paste its answer code below. Valid for 10 minutes.');
    }, failed);
  });
  const complete = el('button', { type: 'button' }, 'Connect with the answer');
  complete.addEventListener('click', () => {
    mesh.completeInvite(answerInput.value).then(() => {
      answerInput.value = '';
      show('Answer taken: the link opens in a moment.');
    }, failed);
  });

  const code = location.hash.startsWith(INVITE_HASH) ? location.hash.slice(INVITE_HASH.length) : null;
  if (code !== null) {
    show('Answering the invite in this link…');
    mesh.acceptInvite(code).then((answer) => {
      output.value = answer;
      show('Hand this answer code back to the device that invited you (copy and paste it there).');
    }, failed);
  }
  return card('Invite another device', 'invite', el('div', { class: 'invite-actions' }, make), output, answerInput, el('div', { class: 'invite-actions' }, complete), status);
}
