// A page of an app that embeds the mesh, with the documented import only (README "Use it in your app").
import { joinMesh, type Mesh } from 'gossip-mesh';

declare global {
  interface Window {
    app?: { mesh: Mesh; texts: string[]; counter: number };
  }
}

const room = new URLSearchParams(location.search).get('room') ?? 'lobby';
const mesh = await joinMesh({ room });
const app = { mesh, texts: [] as string[], counter: mesh.counter.value };
window.app = app;
mesh.on('rumor', (rumor) => {
  app.texts.push(rumor.text);
  const item = document.createElement('li');
  item.textContent = `${rumor.origin}: ${rumor.text}`;
  document.getElementById('rumors')?.append(item);
});
mesh.on('counter', (value) => {
  app.counter = value;
  const shown = document.getElementById('counter');
  if (shown) shown.textContent = String(value);
});
