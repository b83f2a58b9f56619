#!/usr/bin/env bash
# Playwright drives Debian's Chromium: its own browser download cannot reach the internet here.
set -euo pipefail
if [ ! -x /usr/bin/chromium ]; then
  echo "Installing Debian chromium for the browser tests..." >&2
  export DEBIAN_FRONTEND=noninteractive
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq chromium >/dev/null
fi
