#!/usr/bin/env bash
# Makes every secret the Compose stack reads, once, into deploy/secrets/ (not in git):
# signing keys, one database URL and one broker URL per service (each with its own random
# password), PostgreSQL's superuser password, and the broker's definitions (one user per
# service, publishing only to its own exchange) derived from those URLs.
# Existing files are kept: run it again after adding a service.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=deploy/secrets
mkdir -p "$dir" && chmod 700 "$dir"
random() { openssl rand 24 | basenc --base64url | tr -d '='; }
keep() { [ -s "$dir/$1" ] || { "${@:2}" > "$dir/$1"; echo "made $dir/$1"; }; }
keep jwt_secret openssl rand -base64 48
keep notify_unsubscribe_secret openssl rand -base64 48
keep events_ticket_secret openssl rand -base64 48
keep registry_personal_data_keys sh -c 'openssl rand 32 | basenc --base64url'
keep contact_sealing_keys sh -c 'openssl rand 32 | basenc --base64url'
keep postgres_password random
keep grafana_admin_password random
keep postgres_monitoring_password random
for service in registry matching events quality alerts notify; do
  keep "${service}_database_url" sh -c "echo postgresql://$service:\$(openssl rand 24 | basenc --base64url | tr -d =)@postgres/$service"
  keep "${service}_amqp_url" sh -c "echo amqp://$service:\$(openssl rand 24 | basenc --base64url | tr -d =)@rabbitmq:5672/%2F"
done
PATH="$PWD/.tools/bin:$PATH" uv run ecbm broker-definitions --secrets-dir "$dir" > "$dir/rabbitmq_definitions.json"
echo "made $dir/rabbitmq_definitions.json"
