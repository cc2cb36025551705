#!/usr/bin/env bash
# `make run`: migrate the database, load the samples into the "demo" workspace, make sure a
# demo API key exists (kept in instance/demo-api-key), print it with a curl example, then
# serve the API with gunicorn (logs to stdout). Environment: see README "Configuration".
set -euo pipefail
cd "$(dirname "$0")/.."

BIND="${BIND:-127.0.0.1:8000}"
WORKERS="${WEB_CONCURRENCY:-2}"
FLASK=(.venv/bin/flask --app api)
KEY_FILE="instance/demo-api-key"
mkdir -p instance

# One rate-limit budget per key across all gunicorn workers: share the counters in Redis
# when a Redis answers locally (otherwise each worker counts for itself).
if [ -z "${VALUEFRAME_RATE_LIMIT_STORAGE_URI:-}" ] && command -v redis-cli >/dev/null 2>&1 \
  && [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" = "PONG" ]; then
  export VALUEFRAME_RATE_LIMIT_STORAGE_URI="redis://127.0.0.1:6379"
fi

echo "==> migrating the database"
"${FLASK[@]}" db upgrade

echo "==> loading the samples into workspace 'demo'"
"${FLASK[@]}" samples load --workspace demo

key=""
if [ -s "$KEY_FILE" ] && "${FLASK[@]}" keys check "$(cat "$KEY_FILE")" >/dev/null 2>&1; then
  key="$(cat "$KEY_FILE")"
else
  key="$("${FLASK[@]}" keys create --workspace demo --name "make run" 2>/dev/null | head -n 1)"
  (umask 077 && printf '%s\n' "$key" >"$KEY_FILE")
fi

base="http://${BIND}"
cat <<MSG

==> valueframe API on ${base}
    docs:          ${base}/api/v1/docs
    OpenAPI:       ${base}/api/v1/openapi.json
    demo API key:  ${key}   (workspace "demo", kept in ${KEY_FILE})
    try:           curl -H "Authorization: Bearer ${key}" ${base}/api/v1/cases

MSG

exec .venv/bin/gunicorn \
  --workers "$WORKERS" \
  --bind "$BIND" \
  --timeout "${GUNICORN_TIMEOUT:-120}" \
  --access-logfile - \
  --error-logfile - \
  'api:create_app()'
