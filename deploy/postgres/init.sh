#!/usr/bin/env bash
# One database and one login role per service; each role owns only its database and no
# other role may connect to it. Passwords come from the services' own database URL secrets
# (<service>_database_url: postgresql://<role>:<password>@postgres/<database>), so the
# database and the service agree without a second copy of the password.
# Run by the postgres image at first start (docker-entrypoint-initdb.d) as the superuser;
# the tests run it against a local server with ECBM_SECRETS_DIR and PG* variables.
set -euo pipefail
secrets="${ECBM_SECRETS_DIR:-/run/secrets}"
for file in "$secrets"/*_database_url; do
  [ -e "$file" ] || continue
  # postgresql://<role>:<password>@<host>[:port]/<database>; passwords are URL-safe
  # (generate them with `openssl rand 24 | basenc --base64url`), so nothing is encoded.
  url=$(tr -d '[:space:]' < "$file")
  if [[ ! "$url" =~ ^postgresql(\+psycopg)?://([^:@/]+):([^@/]+)@[^/]+/([A-Za-z0-9_]+)$ ]]; then
    echo "$file: not postgresql://role:password@host/database" >&2; exit 1
  fi
  role="${BASH_REMATCH[2]}" password="${BASH_REMATCH[3]}" database="${BASH_REMATCH[4]}"
  psql -v ON_ERROR_STOP=1 --no-psqlrc -q --username "${POSTGRES_USER:-${PGUSER:-postgres}}" \
    --dbname postgres -v role="$role" -v password="$password" -v database="$database" <<'SQL'
CREATE ROLE :"role" LOGIN PASSWORD :'password' NOSUPERUSER NOCREATEDB NOCREATEROLE;
CREATE DATABASE :"database" OWNER :"role";
REVOKE ALL ON DATABASE :"database" FROM PUBLIC;
SQL
done
# The metrics exporter's login: pg_monitor only (statistics views, no table data), from the
# secret postgres_monitoring_password when it exists (deploy/make-secrets.sh makes it).
monitoring="$secrets/postgres_monitoring_password"
if [ -e "$monitoring" ]; then
  psql -v ON_ERROR_STOP=1 --no-psqlrc -q --username "${POSTGRES_USER:-${PGUSER:-postgres}}" \
    --dbname postgres -v role="${ECBM_MONITORING_ROLE:-monitoring}" \
    -v password="$(tr -d '[:space:]' < "$monitoring")" <<'SQL'
CREATE ROLE :"role" LOGIN PASSWORD :'password' NOSUPERUSER NOCREATEDB NOCREATEROLE IN ROLE pg_monitor;
SQL
fi
