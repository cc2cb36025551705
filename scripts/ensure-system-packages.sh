#!/usr/bin/env bash
# Installs the Debian packages the project needs and pip cannot provide:
#   fonts-wqy-zenhei  a TrueType (TTC) CJK font that reportlab can embed, so Chinese PDFs
#                     render and extract on machines without CJK fonts;
#   poppler-utils     pdftoppm/pdftotext, used by the tests to rasterise rendered PDFs;
#   chromium          the browser the end-to-end tests (tests/e2e) drive headless through
#                     Playwright; Playwright's own browser download does not work here.
set -euo pipefail
need=()
[ -f /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ] || need+=(fonts-wqy-zenhei)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
[ -x /usr/bin/chromium ] || need+=(chromium)
[ ${#need[@]} -eq 0 ] && exit 0
echo "installing system packages: ${need[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
