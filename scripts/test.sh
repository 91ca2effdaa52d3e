#!/usr/bin/env bash
# The README's test command: provisions real services, type-checks, lints, builds, runs every suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/provision.sh
# Native addons must exist (a stricter npm may skip install scripts).
node -e "require('better-sqlite3')" 2>/dev/null || npm rebuild better-sqlite3 >/dev/null
npm run typecheck --silent
npm run lint --silent
npm run build --silent
npx vitest run "$@"
