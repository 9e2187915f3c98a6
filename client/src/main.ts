import './ui/style.css';
import { installTestHook } from './mesh/hook.ts';
import { registerServiceWorker } from './offline/register.ts';
import type { MeshClient } from './mesh/contract.ts';
import { startMesh } from './mesh/start.ts';
import { renderSettingsErrors, renderStartError, renderStarting } from './ui/notices.ts';
import { parseSettings } from './ui/settings.ts';

/**
 * One tab = one peer: read the settings from the URL, start the peer, draw it. Joining comes
 * first: the signaling connection opens before anything else is drawn, and the page's code (the
 * graph layout is most of it) loads while the peer connects.
 */
async function main(root: HTMLElement): Promise<void> {
  const parsed = parseSettings(location.search);
  if (!parsed.ok) {
    // Bad URL options: say which, and do not join any mesh.
    renderSettingsErrors(root, parsed.errors);
    return;
  }
  const starting = startMesh(parsed.settings);
  const page = import('./ui/page.ts');
  renderStarting(root, parsed.settings);
  let client;
  try {
    client = await starting;
  } catch (err: unknown) {
    renderStartError(root, err);
    console.error('startMesh failed:', err);
    return;
  }
  installTestHook(client);
  const peer = client;
  window.addEventListener('pagehide', () => peer.close(), { once: true });
  // A page restored from the back/forward cache has a closed peer: start a fresh one.
  window.addEventListener('pageshow', (event) => {
    if (event.persisted) location.reload();
  });
  registerOnceLinked(client);
  try {
    (await page).renderPage(root, client);
  } catch (err: unknown) {
    // The peer runs on (its hook answers); say why the page could not be drawn.
    renderStartError(root, err);
    console.error('the page could not be drawn:', err);
  }
}

/**
 * The service worker's install downloads the whole build once more: not while the tab joins.
 * It is registered once the first link is up (or after 10 s without one).
 */
function registerOnceLinked(client: MeshClient): void {
  let done = false;
  const register = (): void => {
    if (done) return;
    done = true;
    unsubscribe();
    clearTimeout(fallback);
    registerServiceWorker();
  };
  const unsubscribe = client.subscribe(() => client.ready() && register());
  const fallback = setTimeout(register, 10_000);
  if (client.ready()) register();
}

const root = document.getElementById('app');
if (root === null) throw new Error('index.html has no #app element');
void main(root);
