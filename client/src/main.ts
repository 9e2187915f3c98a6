import './ui/style.css';
import { installTestHook } from './mesh/hook.ts';
import { registerServiceWorker } from './offline/register.ts';
import { startMesh } from './mesh/start.ts';
import { renderSettingsErrors, renderStartError, renderStarting } from './ui/notices.ts';
import { renderPage } from './ui/page.ts';
import { parseSettings } from './ui/settings.ts';

/** One tab = one peer: read the settings from the URL, start the peer, draw it. */
async function main(root: HTMLElement): Promise<void> {
  const parsed = parseSettings(location.search);
  if (!parsed.ok) {
    // Bad URL options: say which, and do not join any mesh.
    renderSettingsErrors(root, parsed.errors);
    return;
  }
  renderStarting(root, parsed.settings);
  let client;
  try {
    client = await startMesh(parsed.settings);
  } catch (err: unknown) {
    renderStartError(root, err);
    console.error('startMesh failed:', err);
    return;
  }
  installTestHook(client);
  renderPage(root, client);
  const peer = client;
  window.addEventListener('pagehide', () => peer.close(), { once: true });
  // A page restored from the back/forward cache has a closed peer: start a fresh one.
  window.addEventListener('pageshow', (event) => {
    if (event.persisted) location.reload();
  });
}

registerServiceWorker();
const root = document.getElementById('app');
if (root === null) throw new Error('index.html has no #app element');
void main(root);
