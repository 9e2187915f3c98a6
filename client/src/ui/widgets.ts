import { el } from './dom.ts';
import { peerColor, peerTint, shortId } from './peer.ts';

/** A coloured chip for a peer: dot + short id, full id as tooltip. */
export function peerChip(id: string, self: string, extraClass = ''): HTMLElement {
  const chip = el(
    'span',
    { class: `peer-chip ${extraClass}`.trim(), title: id === self ? `${id} (this tab)` : id },
    el('span', { class: 'peer-dot', 'aria-hidden': 'true' }),
    id === self ? `${shortId(id)} (you)` : shortId(id),
  );
  chip.style.setProperty('--peer', peerColor(id));
  chip.style.setProperty('--peer-tint', peerTint(id));
  return chip;
}

export function card(title: string, className: string, ...children: (Node | null)[]): HTMLElement {
  const id = `card-${className}`;
  return el(
    'section',
    { class: `card ${className}`, 'aria-labelledby': id },
    el('h2', { id }, title),
    ...children,
  );
}
