#!/usr/bin/env bash
# Makes sure a container runtime is usable for `sam local` and `make lambda-image`:
# installs Debian's docker.io (and mmdebstrap, which builds the Lambda image from Debian's archive)
# when missing, and starts dockerd when it is not running. Idempotent: a second run does nothing.
# Exit status 0 means `docker info` works; anything else prints what to do.
set -euo pipefail

log() { echo "container-runtime: $*" >&2; }
die() { log "$*"; exit 1; }

need=()
command -v dockerd >/dev/null 2>&1 || need+=(docker.io)
command -v docker >/dev/null 2>&1 || need+=(docker.io)
command -v mmdebstrap >/dev/null 2>&1 || need+=(mmdebstrap)
# mmdebstrap's own helpers for an unprivileged-friendly, reproducible root filesystem.
command -v arch-test >/dev/null 2>&1 || need+=(arch-test)
if [ ${#need[@]} -gt 0 ]; then
  mapfile -t need < <(printf '%s\n' "${need[@]}" | sort -u)
  if [ "$(id -u)" != 0 ]; then
    die "missing ${need[*]}; install them with: sudo apt-get install ${need[*]}"
  fi
  command -v apt-get >/dev/null 2>&1 || die "missing ${need[*]} and no apt-get: install Docker by hand"
  log "installing Debian packages: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq || die "apt-get update failed (is the Debian archive reachable?)"
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null \
    || die "apt-get install ${need[*]} failed"
fi

if docker info >/dev/null 2>&1; then
  exit 0
fi

# No daemon answering. Start one unless a socket is owned by a daemon we cannot talk to.
if [ "$(id -u)" != 0 ]; then
  die "dockerd is not running and only root can start it: sudo dockerd & (or add yourself to the docker group)"
fi
logfile=/var/log/dockerd.log
if pgrep -x dockerd >/dev/null 2>&1; then
  log "dockerd is running but not answering yet; waiting"
else
  log "starting dockerd (log: $logfile)"
  # setsid + nohup: the daemon outlives this script and the make target that ran it, and is shared
  # by everything on the machine that uses Docker.
  setsid nohup dockerd >>"$logfile" 2>&1 </dev/null &
fi
for _ in $(seq 1 60); do
  if docker info >/dev/null 2>&1; then
    log "dockerd is up"
    exit 0
  fi
  sleep 0.5
done
tail -n 20 "$logfile" >&2 2>/dev/null || true
die "dockerd did not answer within 30 s; see $logfile"
