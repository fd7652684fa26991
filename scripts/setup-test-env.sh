#!/usr/bin/env bash
# Installs what the tests need and the Python packages cannot bring, from Debian:
# - Chromium and CJK fonts for the browser tests (never a browser build of its own);
# - PostgreSQL 15 and its RUM index extension for the tests of server mode (the tests start
#   a throwaway server on 127.0.0.1 themselves, scripts/pg_cluster.py, and stop it).
# Without root or apt-get it says what will be skipped.
set -euo pipefail
wanted=()
if ! { [ -x /usr/bin/chromium ] && fc-list 2>/dev/null | grep -qi "noto.*cjk"; }; then
    wanted+=(chromium fonts-noto-cjk)
fi
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    wanted+=(postgresql-15 postgresql-15-rum)
elif [ -d /usr/lib/postgresql/15 ] && ! [ -e /usr/share/postgresql/15/extension/rum.control ]; then
    wanted+=(postgresql-15-rum)
fi
if [ ${#wanted[@]} -eq 0 ]; then
    exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq "${wanted[@]}" >/dev/null
    # a new postgresql-15 starts a cluster of its own (15/main); the tests need none of it
    if [[ " ${wanted[*]} " == *" postgresql-15 "* ]] && command -v pg_ctlcluster >/dev/null; then
        pg_ctlcluster 15 main stop 2>/dev/null || true
    fi
else
    echo "setup-test-env: missing ${wanted[*]} and cannot apt-get install them;" \
         "browser tests and server-mode tests will skip" >&2
fi
