#!/usr/bin/env bash
# setup-promtool.sh - install promtool (Debian's prometheus package) when missing, for the Prometheus rule tests
# (deploy/chart-tests PromtoolRulesTest). Idempotent and quiet; stops the prometheus server the package may start.
set -euo pipefail
if command -v promtool >/dev/null 2>&1; then
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
echo "[ci] installing promtool (prometheus)"
apt-get update -qq
apt-get install -y -qq --no-install-recommends prometheus >/dev/null
# the package's service is not wanted: only promtool is used (no systemd on CI; the init script may have started it)
if command -v service >/dev/null 2>&1; then
  service prometheus stop >/dev/null 2>&1 || true
fi
command -v promtool >/dev/null
