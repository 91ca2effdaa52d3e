#!/usr/bin/env bash
# Registers a gateway with Mosquitto: a password (mosquitto_passwd) and an ACL block
# that lets it publish only under stockwire/v1/<site>/<gateway>/. Idempotent: running
# it again for the same gateway replaces the password and keeps one ACL block.
#
#   sudo deploy/mosquitto/add-gateway.sh <site> <gateway> [password]
#   (no password: one is generated and printed once; put it in the gateway's passwordFile)
#
# Environment: STOCKWIRE_MQTT_PASSWORD_FILE (default /etc/mosquitto/stockwire.passwords),
#              STOCKWIRE_MQTT_ACL_FILE (default /etc/mosquitto/stockwire.acl).
# Reload Mosquitto afterwards: systemctl reload mosquitto (SIGHUP re-reads both files).
set -euo pipefail

site="${1:-}"
gateway="${2:-}"
password="${3:-}"
id_pattern='^[a-z0-9-]+$'
if [[ ! "$site" =~ $id_pattern || ! "$gateway" =~ $id_pattern ]]; then
  echo "usage: $0 <site> <gateway> [password]   (ids match [a-z0-9-]+)" >&2
  exit 2
fi
password_file="${STOCKWIRE_MQTT_PASSWORD_FILE:-/etc/mosquitto/stockwire.passwords}"
acl_file="${STOCKWIRE_MQTT_ACL_FILE:-/etc/mosquitto/stockwire.acl}"
generated=0
if [[ -z "$password" ]]; then
  password="$(head -c 24 /dev/urandom | base64 | tr -d '/+=' | head -c 32)"
  generated=1
fi

touch "$password_file"
chmod 0640 "$password_file"
mosquitto_passwd -b "$password_file" "$gateway" "$password"

touch "$acl_file"
begin="# gateway ${gateway} (site ${site})"
end="# end gateway ${gateway}"
# Drop an earlier block for this gateway, then append the current one.
tmp="$(mktemp)"
awk -v begin="$begin" -v end="$end" '
  $0 == begin { skipping = 1; next }
  skipping && $0 == end { skipping = 0; next }
  !skipping { print }
' "$acl_file" > "$tmp"
{
  cat "$tmp"
  echo "$begin"
  echo "user ${gateway}"
  echo "topic write stockwire/v1/${site}/${gateway}/events"
  echo "topic write stockwire/v1/${site}/${gateway}/status"
  echo "topic write stockwire/v1/${site}/${gateway}/reads"
  echo "topic read stockwire/v1/${site}/${gateway}/committed"
  echo "topic read stockwire/v1/${site}/${gateway}/commands"
  echo "$end"
} > "$acl_file"
rm -f "$tmp"

echo "gateway ${gateway} (site ${site}) registered in ${password_file} and ${acl_file}" >&2
if [[ "$generated" == 1 ]]; then
  echo "$password"
fi
