#!/usr/bin/env bash
# Installs what the browser tests need and the Python packages cannot bring:
# Debian's Chromium and CJK fonts. Never downloads a browser build of its own.
set -euo pipefail
if [ -x /usr/bin/chromium ] && fc-list 2>/dev/null | grep -qi "noto.*cjk"; then
    exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
else
    echo "setup-test-env: /usr/bin/chromium missing and cannot apt-get install it; browser tests will skip" >&2
fi
