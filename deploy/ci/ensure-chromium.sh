#!/usr/bin/env bash
# Makes sure headless Chromium is at /usr/bin/chromium: ReportITCase renders the report with it,
# as a reader's browser would. Maven runs this before the integration tests (jobs/pom.xml).
# Installs Debian's package when it is missing and this is root with apt-get; fails otherwise.
set -euo pipefail

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
  exit 0
fi
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: $CHROMIUM is missing; installing Debian's chromium package"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q chromium || (apt-get update -q && apt-get install -y -q chromium)
  if [ -x "$CHROMIUM" ]; then
    exit 0
  fi
fi
echo "ensure-chromium: $CHROMIUM is missing and cannot be installed here (needs root and apt-get)." >&2
echo "  Install it (Debian/Ubuntu: apt-get install chromium), or skip the integration tests" >&2
echo "  with -DskipITs." >&2
exit 1
