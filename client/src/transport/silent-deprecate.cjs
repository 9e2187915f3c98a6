// What the page bundles for `util-deprecate` (readable-stream's, under simple-peer; vite.config.ts
// aliases it): the function itself, never a warning. The real one reads localStorage to learn
// whether warnings are off, and readable-stream asks it while the bundle is evaluated, so the tab
// waited on the browser's storage service before it could start joining. CommonJS: it is require()d.
'use strict';

module.exports = function deprecate(fn) {
  return fn;
};
