#!/usr/bin/env bash
# Install the widget's npm packages from package-lock.json and put the socket.io client
# beside the widget (bot/web/vendor/, not committed), and Chart.js beside the console. Run by the
# set-up command; needs npm.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v npm >/dev/null || { echo "npm is needed for the chat widget (Debian: apt-get install npm)" >&2; exit 1; }

if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
mkdir -p bot/web/vendor
cp node_modules/socket.io-client/dist/socket.io.min.js bot/web/vendor/socket.io.min.js
cp node_modules/socket.io-client/LICENSE bot/web/vendor/socket.io.LICENSE
# The consultants' console draws its charts with Chart.js (bot/console/static/vendor/, not committed).
mkdir -p bot/console/static/vendor
cp node_modules/chart.js/dist/chart.umd.min.js bot/console/static/vendor/chart.umd.min.js
cp node_modules/chart.js/LICENSE.md bot/console/static/vendor/chart.js.LICENSE.md
echo "widget assets ready: bot/web/vendor/socket.io.min.js"
