// Where a joining tab's time goes (diagnostics().joinTimeline): the bundle has been parsed by now.
performance.mark('gossip:main');
import './ui/style.css';
import { joinMesh, type Mesh, type MeshOptions } from './lib/index.ts';
import { installTestHook } from './mesh/hook.ts';
import { registerServiceWorker } from './offline/register.ts';
import { renderSettingsErrors, renderStartError, renderStarting } from './ui/notices.ts';
import { parseSettings, type PageSettings } from './ui/settings.ts';

/**
 * One tab = one peer, joined through the public API (joinMesh, as any app would): read the
 * settings from the URL, join, draw it. Joining comes first: the signaling connection opens
 * before anything else is drawn, and the page's code (the graph layout is most of it) loads while
 * the peer connects.
 */
async function main(root: HTMLElement): Promise<void> {
  const parsed = parseSettings(location.search);
  if (!parsed.ok) {
    // Bad URL options: say which, and do not join any mesh.
    renderSettingsErrors(root, parsed.errors);
    return;
  }
  const starting = joinMesh(meshOptions(parsed.settings));
  const page = import('./ui/page.ts');
  renderStarting(root, parsed.settings);
  let mesh: Mesh;
  try {
    mesh = await starting;
  } catch (err: unknown) {
    renderStartError(root, err);
    console.error('joinMesh failed:', err);
    return;
  }
  installTestHook(mesh);
  const peer = mesh;
  window.addEventListener('pagehide', () => peer.close(), { once: true });
  // A page restored from the back/forward cache has a closed peer: start a fresh one.
  window.addEventListener('pageshow', (event) => {
    if (event.persisted) location.reload();
  });
  registerOnceLinked(mesh);
  try {
    const { renderPage } = await page;
    await linkedOrIdle(mesh);
    performance.mark('gossip:render');
    renderPage(root, mesh, parsed.settings);
    performance.mark('gossip:rendered');
  } catch (err: unknown) {
    // The peer runs on (its hook answers); say why the page could not be drawn.
    renderStartError(root, err);
    console.error('the page could not be drawn:', err);
  }
}

/** The URL's settings as joinMesh options (`server` is the `signaling` option; default: this origin). */
function meshOptions(settings: PageSettings): MeshOptions {
  const { room, mode, periodMs, fanout, server, servers, iceTransportPolicy, signed } = settings;
  const signaling = servers !== undefined && servers.length > 1 ? [...servers] : server;
  return {
    room,
    mode,
    periodMs,
    fanout,
    ...(signaling !== undefined ? { signaling } : {}),
    ...(iceTransportPolicy !== undefined ? { iceTransportPolicy } : {}),
    ...(signed !== undefined ? { signed } : {}),
  };
}

/** Bound on how long the first drawing waits for the first link (linkedOrIdle). */
const DRAW_AFTER_MS = 1500;

/**
 * Drawing the page (the graph, the panels) takes the main thread for a while: not while the
 * first links are being negotiated (offers, answers, ICE), which it would hold up. Resolves once
 * a link is open, at once when no link is being made (the first tab of a room), or after
 * DRAW_AFTER_MS; the "starting" notice shows meanwhile.
 */
function linkedOrIdle(mesh: Mesh): Promise<void> {
  if (mesh.neighbors().length > 0 || mesh.diagnostics().linksConnecting === 0) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      unsubscribe();
      clearTimeout(timer);
      resolve();
    };
    const unsubscribe = mesh.on('peers', (peers) => peers.length > 0 && done());
    const timer = setTimeout(done, DRAW_AFTER_MS);
  });
}

/**
 * The service worker's install downloads the whole build once more: not while the tab joins.
 * It is registered once the first link is up (or after 10 s without one).
 */
function registerOnceLinked(mesh: Mesh): void {
  let done = false;
  const register = (): void => {
    if (done) return;
    done = true;
    unsubscribe();
    clearTimeout(fallback);
    registerServiceWorker();
  };
  const unsubscribe = mesh.on('peers', (peers) => peers.length > 0 && register());
  const fallback = setTimeout(register, 10_000);
  if (mesh.neighbors().length > 0) register();
}

const root = document.getElementById('app');
if (root === null) throw new Error('index.html has no #app element');
void main(root);
