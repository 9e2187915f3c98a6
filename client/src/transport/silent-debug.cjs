// What the page bundles for the `debug` package (simple-peer's logger; vite.config.ts aliases it):
// a logger that is always off. The real one reads localStorage while the bundle is evaluated, a
// synchronous trip to the browser's storage service before the page can start joining, only to
// learn whether logging is on; in the page it never is. CommonJS because simple-peer require()s it.
'use strict';

module.exports = function createDebug(namespace) {
  const log = function () {};
  log.enabled = false;
  log.namespace = namespace;
  log.extend = (sub) => createDebug(`${namespace}:${sub}`);
  return log;
};
