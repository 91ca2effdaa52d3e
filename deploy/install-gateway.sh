#!/usr/bin/env bash
# Installs (or upgrades) the stockwire gateway on Raspberry Pi OS / Debian (arm64, amd64).
# Idempotent: re-running upgrades the package and unit, never overwrites an existing
# config or password file, and restarts the service only if it was already running.
#
#   sudo deploy/install-gateway.sh [--package <stockwire-x.y.z.tgz>] [--config <gateway.yaml>] [--no-start]
#
# What it does:
#   1. Node.js 20 (NodeSource apt repository) unless node >= 20 is already installed;
#      build tools for the native addons (better-sqlite3; sd-notify is optional, see below).
#   2. A system user `stockwire` (groups dialout for serial readers).
#   3. The package into /opt/stockwire (from a `npm pack` tarball, or this checkout), built if needed, production deps only.
#   4. /etc/stockwire/gateway.yaml (from --config, else the example) if none exists; mode 0640.
#   5. The systemd unit, then `systemctl enable` (and start unless --no-start).
set -euo pipefail

PREFIX=/opt/stockwire
CONFIG_DIR=/etc/stockwire
STATE_DIR=/var/lib/stockwire-gateway
UNIT=/etc/systemd/system/stockwire-gateway.service
NODE_MAJOR_MIN=20
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"

package=""
config=""
start=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --package) package="$2"; shift 2 ;;
    --config) config="$2"; shift 2 ;;
    --no-start) start=0; shift ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

if [[ "$(id -u)" -ne 0 ]]; then
  echo "run as root (sudo $0 …)" >&2
  exit 1
fi
log() { echo "install-gateway: $*" >&2; }

# 1. Node.js and native build prerequisites.
node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if [[ "$(node_major)" -lt "$NODE_MAJOR_MIN" ]]; then
  log "installing Node.js ${NODE_MAJOR_MIN} from NodeSource"
  apt-get update
  apt-get install -y ca-certificates curl gnupg
  install -d -m 0755 /etc/apt/keyrings
  curl -fsSL https://deb.nodesource.com/gpgkey/nodesource-repo.gpg.key | gpg --dearmor --yes -o /etc/apt/keyrings/nodesource.gpg
  echo "deb [signed-by=/etc/apt/keyrings/nodesource.gpg] https://deb.nodesource.com/node_${NODE_MAJOR_MIN}.x nodistro main" > /etc/apt/sources.list.d/nodesource.list
  apt-get update
  apt-get install -y nodejs
else
  log "Node.js $(node --version) already present"
fi
# Native addons build from source on arm64: compiler and python3; rsync to copy. libsystemd-dev is not
# required: without it the optional sd-notify addon is skipped and the systemd-notify tool is used.
missing=()
for pkg in build-essential python3 rsync; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [[ ${#missing[@]} -gt 0 ]]; then
  log "installing ${missing[*]}"
  apt-get update
  apt-get install -y "${missing[@]}"
fi

# 2. System user.
if ! id stockwire >/dev/null 2>&1; then
  log "creating system user stockwire"
  useradd --system --home-dir "$STATE_DIR" --no-create-home --shell /usr/sbin/nologin stockwire
fi
usermod -a -G dialout stockwire

# 3. The package: from a tarball (--package) or this checkout. Built here if it carries no dist/.
source_dir="$repo"
if [[ -n "$package" ]]; then
  staging="$(mktemp -d)"
  trap 'rm -rf "$staging"' EXIT
  tar -xzf "$package" -C "$staging"
  source_dir="$staging/package"
fi
log "installing from $source_dir into $PREFIX"
install -d -m 0755 "$PREFIX"
# Code only: state lives in $STATE_DIR, config in $CONFIG_DIR.
rsync -a --delete --exclude node_modules --exclude .git --exclude var --exclude dist "$source_dir/" "$PREFIX/"
if [[ -d "$source_dir/dist" ]]; then
  rsync -a --delete "$source_dir/dist/" "$PREFIX/dist/"
else
  # Never run an older build against newer sources.
  rm -rf "${PREFIX:?}/dist"
fi
cd "$PREFIX"
install_command=(npm install)
[[ -f package-lock.json ]] && install_command=(npm ci)
# Install scripts are skipped and the three native addons rebuilt explicitly, so the
# `prepare` build never runs without its dev tools and no native build is silently skipped.
native=(better-sqlite3 @serialport/bindings-cpp)
if [[ ! -f dist/gateway/src/bin.js ]]; then
  log "building (no dist/ in the source)"
  "${install_command[@]}" --ignore-scripts --no-audit --no-fund
  npm rebuild "${native[@]}"
  npx tsc -p tsconfig.build.json
  npm prune --omit=dev --ignore-scripts --no-audit --no-fund
else
  "${install_command[@]}" --omit=dev --ignore-scripts --no-audit --no-fund
  npm rebuild "${native[@]}"
fi
# The optional addon: built where libsystemd-dev is present, else the systemd-notify tool carries sd_notify.
if [[ -d node_modules/sd-notify ]]; then
  npm rebuild sd-notify || log "sd-notify addon did not build; the systemd-notify tool will be used"
fi
# The required native addons must load, or the daemon would fail at start.
node -e "require('better-sqlite3')"
cd - >/dev/null

# 4. Config (never overwritten).
install -d -m 0750 -o root -g stockwire "$CONFIG_DIR"
if [[ ! -f "$CONFIG_DIR/gateway.yaml" ]]; then
  source_config="${config:-$PREFIX/config/gateway.example.yaml}"
  log "installing config $CONFIG_DIR/gateway.yaml from $source_config (edit siteId, gatewayId, readers, mqtt)"
  install -m 0640 -o root -g stockwire "$source_config" "$CONFIG_DIR/gateway.yaml"
  sed -i "s#path: \.\./var/gateway-outbox.sqlite#path: $STATE_DIR/outbox.sqlite#" "$CONFIG_DIR/gateway.yaml"
else
  log "keeping existing $CONFIG_DIR/gateway.yaml"
fi
if [[ ! -f "$CONFIG_DIR/mqtt-password" ]]; then
  install -m 0640 -o root -g stockwire /dev/null "$CONFIG_DIR/mqtt-password"
  log "created empty $CONFIG_DIR/mqtt-password: put the gateway's broker password there (mqtt.passwordFile)"
fi
install -d -m 0750 -o stockwire -g stockwire "$STATE_DIR"

# 5. Unit.
install -m 0644 "$PREFIX/deploy/systemd/stockwire-gateway.service" "$UNIT"
systemctl daemon-reload
systemctl enable stockwire-gateway.service >/dev/null
node "$PREFIX/dist/gateway/src/bin.js" check-config --config "$CONFIG_DIR/gateway.yaml" || { log "config invalid: fix $CONFIG_DIR/gateway.yaml, then systemctl restart stockwire-gateway"; exit 1; }
if [[ "$start" == 1 ]]; then
  if systemctl is-active --quiet stockwire-gateway; then
    log "restarting (the outbox keeps unsent movements across the restart)"
    systemctl restart stockwire-gateway
  else
    systemctl start stockwire-gateway
  fi
  systemctl --no-pager status stockwire-gateway | head -n 5 || true
fi
log "done. Logs: journalctl -u stockwire-gateway -f"
