#!/usr/bin/env bash
# Applies retention.influxql to an InfluxDB 1.x server over its HTTP API (no `influx` CLI needed).
# Usage: deploy/influxdb/apply-retention.sh [http://127.0.0.1:8086] [database]
#   INFLUX_USER / INFLUX_PASSWORD: credentials when auth is enabled (an admin is needed).
# The database name in the recipe ("stockwire") is replaced by the second argument.
# Safe to re-run: policies that exist are ALTERed, continuous queries are re-created.
set -euo pipefail
url="${1:-http://127.0.0.1:8086}"
database="${2:-stockwire}"
here="$(cd "$(dirname "$0")" && pwd)"
auth=()
if [[ -n "${INFLUX_USER:-}" ]]; then auth=(-u "${INFLUX_USER}:${INFLUX_PASSWORD:-}"); fi

run() {
  local statement="$1" body
  body="$(curl -sS "${auth[@]}" -XPOST "${url}/query" --data-urlencode "q=${statement}")"
  if [[ "$body" == *'"error"'* ]]; then
    echo "$body"
    return 1
  fi
}

while IFS= read -r line; do
  [[ -z "${line// }" || "$line" == --* ]] && continue
  statement="${line//\"stockwire\"/\"${database}\"}"
  if [[ "$statement" == "CREATE CONTINUOUS QUERY "* ]]; then
    name="$(sed -E 's/^CREATE CONTINUOUS QUERY "([^"]+)".*/\1/' <<<"$statement")"
    run "DROP CONTINUOUS QUERY \"${name}\" ON \"${database}\"" >/dev/null 2>&1 || true
  fi
  if ! run "$statement" >/dev/null; then
    if [[ "$statement" == "CREATE RETENTION POLICY "* ]]; then
      run "${statement/CREATE RETENTION POLICY/ALTER RETENTION POLICY}" >/dev/null || { echo "failed: $statement" >&2; exit 1; }
    else
      echo "failed: $statement" >&2
      exit 1
    fi
  fi
  echo "ok: ${statement:0:80}…"
done <"${here}/retention.influxql"
