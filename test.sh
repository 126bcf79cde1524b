#!/usr/bin/env bash
# The whole test suite: unit tests, integration tests against a real Keycloak 26.7.3 with the
# built jar, and browser tests in headless Chromium. Installs Debian's Chromium and chromedriver
# first when they are missing, and the Noto CJK fonts (so screenshots show Chinese). Extra
# arguments go to Maven (for example -Docq.it.runtime=testcontainers).
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1 \
    || ! dpkg-query -W -f='${Status}' fonts-noto-cjk 2>/dev/null | grep -q "ok installed"; then
  echo "Installing Chromium, chromedriver and the Noto CJK fonts from Debian packages..."
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq chromium chromium-driver fonts-noto-cjk >/dev/null
fi

exec mvn -B -ntp clean verify "$@"
