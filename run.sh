#!/usr/bin/env sh
# FER Studio on Linux/macOS: installs dependencies on the first run, then starts the desktop app.
# Usage: ./run.sh          desktop app (Electron)
#        ./run.sh --web    the same app in your browser at http://127.0.0.1:5178
set -e
cd "$(dirname "$0")"
if ! command -v node >/dev/null 2>&1; then
  echo "FER Studio needs Node.js 22.12 or newer, an LTS line 22 or 24: https://nodejs.org/" >&2
  exit 1
fi
if [ ! -d node_modules ]; then
  echo "First run: installing dependencies (a few minutes)..."
  # npm 10 (bundled with Node 22) ignores package.json's allowScripts: keep onnxruntime-node from
  # downloading CUDA libraries it does not need (the CPU library is inside the package).
  ONNXRUNTIME_NODE_INSTALL=skip npm install
fi
if [ "$1" = "--web" ]; then
  shift
  exec npm run web -- "$@"
fi
exec npm start
