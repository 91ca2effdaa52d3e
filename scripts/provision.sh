#!/usr/bin/env bash
# Installs the Debian packages the test suite runs for real (brokers, databases,
# pseudo-terminals, a browser). Idempotent: installs only what is missing.
set -euo pipefail

declare -A wanted=(
  [mosquitto]=mosquitto            # MQTT interop + TLS tests
  [mosquitto_pub]=mosquitto-clients
  [socat]=socat                    # pseudo-terminal pairs for serial reader tests
  [chromium]=chromium              # dashboard end-to-end test
  [influxd]=influxdb               # time-series sink tests (InfluxDB 1.x)
  [openssl]=openssl                # test CA for TLS
  [hledger]=hledger                # reads the journal export (cloud/test/api/finance.test.ts)
)
missing=()
for command in "${!wanted[@]}"; do
  command -v "$command" >/dev/null 2>&1 || missing+=("${wanted[$command]}")
done
# PostgreSQL server binaries live outside PATH on Debian.
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
# The optional sd-notify addon builds against libsystemd: installed here only so the suites also exercise
# the addon transport. `npm install` does not need it (test/install/fresh-machine.test.ts hides it).
[ -e /usr/include/systemd/sd-daemon.h ] || missing+=(libsystemd-dev)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "provision: installing Debian packages: ${missing[*]}"
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
    echo "provision: need root to install ${missing[*]} (run as root or install them by hand)" >&2
    exit 1
  fi
else SUDO=; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Debian starts packaged services on install; the tests run their own instances
# on ephemeral loopback ports, so stop the system ones to free default ports.
for service in mosquitto influxdb postgresql; do
  $SUDO systemctl stop "$service" >/dev/null 2>&1 || $SUDO service "$service" stop >/dev/null 2>&1 || true
done
