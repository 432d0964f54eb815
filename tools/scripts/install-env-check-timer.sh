#!/usr/bin/env bash
# Installs the env drift check: pecunia-env-check.service and .timer into systemd, then starts the 5-minute timer.
set -euo pipefail

usage() {
  echo "usage: sudo bash tools/scripts/install-env-check-timer.sh [--app-dir DIR] [--env-file FILE] [--hash-file FILE] [--prefix DIR]"
  echo "  --app-dir DIR    the Pecunia checkout the check runs in (default: the one holding this script)"
  echo "  --env-file FILE  default /opt/pecunia/.env; --hash-file FILE  default /opt/pecunia/.env.sha256"
  echo "  --prefix DIR     write the units into DIR instead of /etc/systemd/system; no root, no systemctl (for tests)"
}

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
units="$here/../systemd"
app_dir="$(cd "$here/../.." && pwd)"
env_file=/opt/pecunia/.env
hash_file=/opt/pecunia/.env.sha256
prefix=""

while [[ $# -gt 0 ]]; do
  case "$1" in
    --app-dir | --env-file | --hash-file | --prefix)
      if [[ $# -lt 2 || -z "$2" ]]; then
        echo "$1 needs a value" >&2
        usage >&2
        exit 64
      fi
      case "$1" in
        --app-dir) app_dir="$2" ;;
        --env-file) env_file="$2" ;;
        --hash-file) hash_file="$2" ;;
        --prefix) prefix="$2" ;;
      esac
      shift 2
      ;;
    -h | --help)
      usage
      exit 0
      ;;
    *)
      echo "unknown argument: $1" >&2
      usage >&2
      exit 64
      ;;
  esac
done

# Without --prefix this writes /etc/systemd/system and runs systemctl: both need root.
if [[ -z "$prefix" && "$(id -u)" -ne 0 ]]; then
  echo "install-env-check-timer: run as root (sudo), or pass --prefix DIR to write the units elsewhere" >&2
  exit 77
fi

# Unit files take no quoting here: a space would split ExecStart's arguments and % starts a systemd specifier.
for path in "$app_dir" "$env_file" "$hash_file"; do
  if [[ "$path" != /* || "$path" =~ [[:space:]%\\\"\'] ]]; then
    echo "install-env-check-timer: $path must be an absolute path without spaces, quotes, % or \\" >&2
    exit 64
  fi
done
if [[ ! -f "$app_dir/package.json" ]]; then
  echo "install-env-check-timer: $app_dir holds no package.json; pass the Pecunia checkout as --app-dir" >&2
  exit 64
fi

target="${prefix:-/etc/systemd/system}"
mkdir -p "$target"
rendered="$(mktemp)"
trap 'rm -f "$rendered"' EXIT
# The shipped unit names /opt/pecunia; this machine's checkout and files replace those two lines.
while IFS= read -r line || [[ -n "$line" ]]; do
  case "$line" in
    WorkingDirectory=*) printf 'WorkingDirectory=%s\n' "$app_dir" ;;
    ExecStart=*) printf 'ExecStart=/usr/bin/env npm run -s env:verify -- --env-file %s --hash-file %s\n' "$env_file" "$hash_file" ;;
    *) printf '%s\n' "$line" ;;
  esac
done <"$units/pecunia-env-check.service" >"$rendered"
install -m 0644 "$rendered" "$target/pecunia-env-check.service"
install -m 0644 "$units/pecunia-env-check.timer" "$target/pecunia-env-check.timer"
echo "installed pecunia-env-check.service and pecunia-env-check.timer in $target"

if [[ ! -f "$hash_file" ]]; then
  # Without a recorded hash every run exits 5: say so now rather than in the journal five minutes later.
  echo "warning: $hash_file does not exist yet; on the known-good file run:" >&2
  echo "  npm run -s env:record -- --env-file $env_file --hash-file $hash_file" >&2
fi

if [[ -n "$prefix" ]]; then
  echo "--prefix given: systemctl skipped"
  exit 0
fi
if ! PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin command -v npm >/dev/null; then
  echo "warning: npm is not on the PATH systemd gives services; add Environment=PATH=… with 'systemctl edit pecunia-env-check.service'" >&2
fi
systemctl daemon-reload
systemctl enable --now pecunia-env-check.timer
echo "timer enabled: 'systemctl list-timers pecunia-env-check.timer' shows the next run, 'journalctl -u pecunia-env-check' the results"
