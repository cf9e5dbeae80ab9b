#!/usr/bin/env bash
# Serves Bionet the way production does: debug off, static files gathered by collectstatic and
# served by WhiteNoise, migrations applied, gunicorn with two workers.
#
#     DJANGO_SECRET_KEY=... DATABASE_URL=postgres://... scripts/serve_production.sh
#
# Listens on $BIND (default 127.0.0.1:$PORT, PORT default 8000): put a reverse proxy that
# terminates HTTPS in front of it and set DJANGO_SECURE_PROXY_SSL_HEADER=true. Every setting
# is read from the environment; README.md, "Deploying", lists them.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-.venv/bin/python}"
export DJANGO_DEBUG=false
export DJANGO_ALLOWED_HOSTS="${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost}"
: "${DJANGO_SECRET_KEY:?DJANGO_SECRET_KEY must be set (README.md, Deploying).}"

"$PYTHON" manage.py collectstatic --no-input --verbosity 0
"$PYTHON" manage.py migrate --no-input --verbosity 0
exec "$PYTHON" -m gunicorn bionet.wsgi:application \
    --bind "${BIND:-127.0.0.1:${PORT:-8000}}" \
    --workers "${WEB_CONCURRENCY:-2}" \
    --timeout "${GUNICORN_TIMEOUT:-30}" \
    --access-logfile - \
    --error-logfile -
