import './playground.css';
import { DEFAULT_CONFIG, parseConfigQuery } from './config.ts';
import { PlaygroundPage } from './page.ts';

/** Entry of playground.html: settings from the URL (bad ones reported, defaults used), then the page and its test hook. */
const root = document.getElementById('playground');
if (root === null) throw new Error('playground.html has no #playground element');
const parsed = parseConfigQuery(location.search);
const page = new PlaygroundPage(root, parsed.ok ? parsed.config : DEFAULT_CONFIG, parsed.ok ? [] : parsed.errors);
window.__playground = page.hook();
