# Shared by the benchmarks that start servers (load.sh, signed-load.sh, axfr.sh): a log
# line, a free port, and stopping the server in SERVER_PID with every process it forked.
# Sourced, not run.

log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }

# Every descendant of a process (NSD and named fork workers).
descendants() {
  local c
  for c in $(pgrep -P "$1" 2>/dev/null); do echo "$c"; descendants "$c"; done
}

# TERM, five seconds' grace, then KILL for it and its descendants; clears SERVER_PID.
stop_server() {
  [ -n "$SERVER_PID" ] || return 0
  if kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null
    for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$SERVER_PID" 2>/dev/null; then
      log "server $SERVER_PID did not stop on TERM, killing"
      for p in $(descendants "$SERVER_PID"); do kill -KILL "$p" 2>/dev/null; done
      kill -KILL "$SERVER_PID" 2>/dev/null
    fi
  fi
  wait "$SERVER_PID" 2>/dev/null
  SERVER_PID=""
}

# A port free on both UDP and TCP, chosen at random in 20000-59999.
free_port() {
  local p
  for _ in $(seq 1 200); do
    p=$((20000 + RANDOM % 40000))
    if [ -z "$(ss -Hlun "sport = :$p" 2>/dev/null)" ] && [ -z "$(ss -Hltn "sport = :$p" 2>/dev/null)" ]; then
      echo "$p"; return 0
    fi
  done
  return 1
}
