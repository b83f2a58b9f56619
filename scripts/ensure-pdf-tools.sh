#!/usr/bin/env bash
# The PDF export prints with Debian's Chromium and embeds Debian's DejaVu fonts; its tests read the PDF back with
# poppler-utils (pdftotext, pdffonts). Installs whichever is missing, with apt, like scripts/ensure-chromium.sh.
set -euo pipefail
bash "$(dirname "$0")/ensure-chromium.sh"
missing=()
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing ${missing[*]} for the PDF export and its tests..." >&2
  export DEBIAN_FRONTEND=noninteractive
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
