#!/usr/bin/env bash
# Run before restarting Pecunia: validates ENV_FILE with `env:check` and exits with its code (0 good, 2 invalid, 5 missing).
set -euo pipefail

usage() {
  echo "usage: tools/scripts/pre-restart-check.sh ENV_FILE [api|lambda|worker|cli]"
}

case "${1:-}" in
  -h | --help)
    usage
    exit 0
    ;;
  '' | -*)
    usage >&2
    exit 64
    ;;
esac
if [[ $# -gt 2 ]]; then
  usage >&2
  exit 64
fi
env_file="$1"
entry="${2:-api}"
# The npm script runs from the checkout, so a path relative to the caller's directory is made absolute first.
[[ "$env_file" == /* ]] || env_file="$PWD/$env_file"

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
status=0
npm run -s env:check -- --env-file "$env_file" --entry "$entry" || status=$?
if [[ $status -ne 0 ]]; then
  echo "pre-restart check failed (exit $status): fix $env_file before restarting; nothing was restarted" >&2
fi
exit "$status"
