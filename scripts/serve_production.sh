#!/usr/bin/env bash
# Serves Bionet the way production does: debug off, static files gathered by collectstatic and
# served by WhiteNoise, migrations applied, gunicorn with two workers of four threads, and the
# background task worker.
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

# The web processes and the task worker share the cache that holds analyses and progress.
export DJANGO_CACHE_URL="${DJANGO_CACHE_URL:-file://$PWD/var/cache}"

"$PYTHON" manage.py collectstatic --no-input --verbosity 0
"$PYTHON" manage.py migrate --no-input --verbosity 0

# The task worker is a process of its own (in production, its own service: docs/settings.md);
# here it runs beside gunicorn and stops with it, at a lower CPU priority, so that a long
# analysis yields the processor to visitors' requests. WORKER=0 leaves it to another machine.
worker=""
if [ "${WORKER:-1}" = 1 ]; then
    nice -n 10 "$PYTHON" manage.py db_worker --queue-name '*' --no-reload &
    worker=$!
fi
stop() { [ -n "$worker" ] && kill -TERM "$worker" 2>/dev/null; wait 2>/dev/null || true; }
trap stop EXIT INT TERM

# Threads (gthread): a worker keeps answering its health checks while one thread sends a
# large file to a slow client, so a long download is not cut at the timeout.
"$PYTHON" -m gunicorn bionet.wsgi:application \
    --bind "${BIND:-127.0.0.1:${PORT:-8000}}" \
    --workers "${WEB_CONCURRENCY:-2}" \
    --worker-class gthread \
    --threads "${WEB_THREADS:-4}" \
    --timeout "${GUNICORN_TIMEOUT:-30}" \
    --access-logfile - \
    --error-logfile - &
web=$!
trap 'kill -TERM $web 2>/dev/null; stop' EXIT INT TERM
wait "$web"
