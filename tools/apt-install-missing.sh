#!/usr/bin/env bash
# Installs the Debian packages given as arguments that are not installed yet; does nothing when
# all are there. Used by every make target that needs system packages (deps, deps-browser, ...).
set -u
missing=""
for p in "$@"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "installing Debian packages:$missing"
if [ "$(id -u)" = 0 ]; then SUDO=""
elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"
else echo "error: need root (or sudo) to install:$missing — run: apt-get install$missing" >&2; exit 1; fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "error: apt-get not found; install these (or your system's equivalents):$missing" >&2; exit 1
fi
$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null \
  || { echo "error: apt-get could not install$missing" >&2; exit 1; }
