#!/usr/bin/env bash
# Installs the Debian packages HomeRx needs (as root), or says exactly what to install.
#   libpango-1.0-0, libpangoft2-1.0-0  WeasyPrint's text layout
#   fonts-dejavu-core, fonts-noto-core, fonts-noto-cjk  glyphs for Latin, Greek, Cyrillic, Arabic, Chinese names
#   chromium  real browser for the browser tests (driven by Playwright)
#   gettext  msgfmt, which compilemessages runs to build locale/*/LC_MESSAGES/django.mo
#   poppler-utils  pdftoppm/pdftotext, to look at rendered handouts
#   wrk  (with --bench) the bounded HTTP load generator `make bench` uses
set -euo pipefail
packages=(libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core fonts-noto-core fonts-noto-cjk chromium poppler-utils gettext)
if [ "${1:-}" = "--bench" ]; then packages+=(wrk); fi
missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "HomeRx needs these Debian packages: ${missing[*]}" >&2
  echo "Install them with: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
