// Preloaded by `npm run lint` (node --require). TypeScript 7 (the `typescript` package, which `tsc` builds
// and type-checks with) is the native compiler and has no JavaScript API; typescript-eslint's parser needs
// that API (it supports TypeScript < 6.1). So inside the lint process only, `require('typescript')`
// resolves to TypeScript 6 (@typescript/typescript6, the classic API) and every other process keeps TS 7.
'use strict';
const Module = require('node:module');
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function resolveTypescript6(request, ...rest) {
  return resolveFilename.call(this, request === 'typescript' ? '@typescript/typescript6' : request, ...rest);
};
