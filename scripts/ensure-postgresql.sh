#!/usr/bin/env bash
# The store suite also runs against a real PostgreSQL that the tests start themselves (test/store/postgres-server.ts):
# install Debian's server binaries when they are missing. No cluster is created or started here.
set -euo pipefail
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "Installing Debian postgresql for the store tests..." >&2
  export DEBIAN_FRONTEND=noninteractive
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq postgresql >/dev/null
fi
