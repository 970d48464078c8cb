#!/usr/bin/env bash
# Installs Debian's Chromium for the editor test (test/e2e/editor.test.ts), unless it is there.
# Idempotent; needs root (CI and the project's machines run as root). Usage: bash scripts/ensure-chromium.sh
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
	echo "chromium: $(/usr/bin/chromium --version 2>/dev/null || echo present) at /usr/bin/chromium"
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "ensure-chromium: /usr/bin/chromium is missing and installing it needs root (apt-get install chromium)" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
echo "ensure-chromium: installing Debian's chromium (apt-get)"
apt-get update -qq
apt-get install -y -qq chromium >/dev/null
echo "chromium: $(/usr/bin/chromium --version) at /usr/bin/chromium"
