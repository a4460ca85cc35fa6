#!/usr/bin/env bash
# Installs Debian's headless Chromium and its WebDriver (/usr/bin/chromium, /usr/bin/chromedriver) when missing:
# the dashboard's browser tests (guardian-http) drive them through Selenium, which is given the driver's path and
# never downloads one. Idempotent and quiet; run as root on Debian.
set -euo pipefail
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
echo "[ci] installing chromium and chromium-driver"
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null
/usr/bin/chromium --version
