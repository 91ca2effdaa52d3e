#!/usr/bin/env bash
# `npm run lint` (and part of `npm test`): ESLint (cycles, part boundaries, pure cores, duplicate imports, bug rules;
# eslint.config.js) and Prettier's check. Warnings (function length, style) are printed and never fail.
set -euo pipefail
cd "$(dirname "$0")/.."
# typescript-eslint needs TypeScript's JavaScript API, which TypeScript 7 no longer has: TypeScript 6 for the linter only.
node --require ./scripts/lint/typescript6.cjs node_modules/eslint/bin/eslint.js --cache --cache-location node_modules/.cache/eslint/ "$@" .
# Code only: config YAML/JSON is hand-laid-out (comments aligned, examples) and docs are Markdown.
npx prettier --check --cache --log-level warn "**/*.{ts,js,mjs,cjs}"
