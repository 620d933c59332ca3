#!/usr/bin/env bash
# AXFR benchmark (issue 5): the time of one whole-zone transfer of a 100k-name zone, from
# inkan, NSD and BIND named, unsigned and signed (algorithm 13, NSEC3 without salt or extra
# iterations, RFC 9276). inkan signs its own copy online (its background signing finished
# before the first transfer); NSD and named serve a copy presigned once by ldns-signzone.
#
#   bash bench/axfr.sh                          # 100k names, best of 5, kdig
#   REPEAT=3 NAMES=10000 bash bench/axfr.sh     # a quick look
#   SERVERS="inkan nsd" MODES=signed CLIENT=dig bash bench/axfr.sh
#
# Environment knobs (defaults in brackets):
#   NAMES [100000]             names in the zone (bench/gen-zone.mjs); data in bench/data/axfr-N
#   SERVERS [inkan nsd named]  MODES [unsigned signed]
#   REPEAT [5]                 transfers per server and mode; the fastest is kept
#   CLIENT [kdig]              kdig or dig (both count messages and bytes)
#   READY_TIMEOUT [600]        seconds a server may take to load (and inkan to sign)
#   SERVER_CPU [0] CLIENT_CPU [1]   taskset pinning
#   BUILD [1]                  npm run build before starting inkan
#   INKAN_CLI [dist/cli/main.js]  another build of inkan (BUILD is then skipped)
#   OUT [bench/results/axfr-<date>.txt]
#
# Each server listens on 127.0.0.1 at a free run-time port; every transfer and every wait is
# bounded by `timeout`; every server is stopped at exit (trap), also on failure or Ctrl-C.
# The time is the client's wall clock from start to exit, its output going to a file.
set -u -o pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=server-conf.sh
source "$HERE/server-conf.sh"
# shellcheck source=procs.sh
source "$HERE/procs.sh"
ROOT=$(cd "$HERE/.." && pwd)
NAMES=${NAMES:-100000}
SERVERS=${SERVERS:-"inkan nsd named"}
MODES=${MODES:-"unsigned signed"}
REPEAT=${REPEAT:-5}
CLIENT=${CLIENT:-kdig}
READY_TIMEOUT=${READY_TIMEOUT:-600}
SERVER_CPU=${SERVER_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}
BUILD=${BUILD:-1}
INKAN=${INKAN_CLI:-$ROOT/dist/cli/main.js}
ADDR=127.0.0.1
DATA="$HERE/data/axfr-$NAMES"
mkdir -p "$HERE/results"
OUT=${OUT:-"$HERE/results/axfr-$(date -u +%Y%m%dT%H%M%SZ).txt"}
TMP=$(mktemp -d /tmp/inkan-axfr.XXXXXX)
SERVER_PID=""
declare -A BEST MSGS BYTES RECS

trap 'stop_server; rm -rf "$TMP"' EXIT
trap 'log "interrupted"; exit 130' INT TERM

# ---- data: the zone, and for the peers a copy signed once by ldns-signzone (kept) ----------
make_data() {
  if [ ! -s "$DATA/bench.test.zone" ]; then
    log "generating a $NAMES-name zone in $DATA"
    node "$HERE/gen-zone.mjs" --names "$NAMES" --out "$DATA" --no-queries >/dev/null || return 1
  fi
  if [[ " $MODES " == *" signed "* ]] && [ ! -s "$DATA/presigned.zone" ]; then
    log "presigning for NSD and named: ldns-signzone -n -t 0 (algorithm 13, NSEC3)"
    rm -f "$DATA"/Kbench.test.*
    local key
    key=$(cd "$DATA" && ldns-keygen -a ECDSAP256SHA256 -k bench.test) || return 1
    # -n: NSEC3, -t 0: no extra iterations, no salt (as inkan signs by default)
    timeout 900 ldns-signzone -n -t 0 -o bench.test. -f "$DATA/presigned.tmp" \
      "$DATA/bench.test.zone" "$DATA/$key" >&2 || return 1
    mv "$DATA/presigned.tmp" "$DATA/presigned.zone"
  fi
}

# ---- servers: start_<name> MODE PORT; sets SERVER_PID ------------------------------------
start_inkan() {
  local mode=$1 port=$2 d="$TMP/inkan" sign=""
  rm -rf "$d"; mkdir -p "$d/keys"
  [ "$mode" = signed ] && sign="    dnssec: { algorithm: 13, denial: nsec3 }"
  cat >"$d/inkan.yaml" <<EOF
listen:
  - $ADDR:$port
keys-dir: $d/keys
state-dir: $d/state
zones:
  - name: bench.test
    file: $DATA/bench.test.zone
$sign
    allow-transfer: [127.0.0.1]
log:
  level: info
EOF
  (cd "$ROOT" && exec taskset -c "$SERVER_CPU" node "$INKAN" serve --config "$d/inkan.yaml") >"$d/out.log" 2>&1 &
  SERVER_PID=$!
}

start_nsd() {
  local mode=$1 port=$2 d="$TMP/nsd" zone="$DATA/bench.test.zone"
  [ "$mode" = signed ] && zone="$DATA/presigned.zone"
  rm -rf "$d"; mkdir -p "$d"
  write_nsd_conf "$d" "$ADDR" "$port" "$zone"
  echo "  provide-xfr: 127.0.0.1 NOKEY" >>"$d/nsd.conf"   # the zone: section is the last one
  taskset -c "$SERVER_CPU" nsd -d -c "$d/nsd.conf" >"$d/out.log" 2>&1 &
  SERVER_PID=$!
}

start_named() {
  local mode=$1 port=$2 d="$TMP/named" zone="$DATA/bench.test.zone"
  [ "$mode" = signed ] && zone="$DATA/presigned.zone"
  rm -rf "$d"; mkdir -p "$d"
  cat >"$d/named.conf" <<EOF
options {
  directory "$d";
  pid-file "$d/named.pid";
  session-keyfile "$d/session.key";
  managed-keys-directory "$d";
  listen-on port $port { $ADDR; };
  listen-on-v6 { none; };
  recursion no;
  dnssec-validation no;
  notify no;
  allow-transfer { 127.0.0.1; };
  automatic-interface-scan no;
};
# no rndc channel: named would otherwise take 127.0.0.1#953, which another named may hold
controls { };
zone "bench.test" { type primary; file "$zone"; };
EOF
  local user=(); [ "$(id -u)" = 0 ] && user=(-u root)
  # -n 1: one worker thread, as NSD (server-count: 1) and inkan (one process) have
  taskset -c "$SERVER_CPU" named -g -4 -n 1 "${user[@]}" -c "$d/named.conf" >"$d/out.log" 2>&1 &
  SERVER_PID=$!
}

wait_ready() {  # NAME MODE PORT: the apex SOA answered, and inkan's background signing done
  local name=$1 mode=$2 port=$3 deadline=$((SECONDS + READY_TIMEOUT))
  while [ $SECONDS -lt $deadline ]; do
    kill -0 "$SERVER_PID" 2>/dev/null || { log "$name exited:"; tail -20 "$TMP/$name/out.log" >&2; return 1; }
    if [ -n "$(dig +short +norec +time=1 +tries=1 -p "$port" @"$ADDR" bench.test SOA 2>/dev/null | grep -v '^;')" ]; then
      if [ "$name" != inkan ] || [ "$mode" = unsigned ] || grep -q 'zone signed in the background' "$TMP/inkan/out.log"; then
        return 0
      fi
    fi
    sleep 0.3
  done
  log "$name not ready within ${READY_TIMEOUT}s"; tail -20 "$TMP/$name/out.log" >&2
  return 1
}

# One AXFR: sets SECS, and MSG/BYT/REC from the client's own summary line.
axfr_once() {
  local port=$1 out="$TMP/axfr.out" t0 t1 cmd
  if [ "$CLIENT" = dig ]; then cmd=(dig -p "$port" @"$ADDR" bench.test AXFR +time=60 +tries=1)
  else cmd=(kdig -p "$port" @"$ADDR" bench.test AXFR +time=60); fi
  t0=$(date +%s%N)
  timeout 300 taskset -c "$CLIENT_CPU" "${cmd[@]}" >"$out" 2>&1
  t1=$(date +%s%N)
  SECS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
  if [ "$CLIENT" = dig ]; then   # ;; XFR size: 515 records (messages 493, bytes 34957866)
    read -r REC MSG BYT < <(sed -n 's/.*XFR size: \([0-9]*\) records (messages \([0-9]*\), bytes \([0-9]*\)).*/\1 \2 \3/p' "$out")
  else                           # ;; Received 34957866 B (493 messages, 515 records)
    read -r BYT MSG REC < <(sed -n 's/.*Received \([0-9]*\) B (\([0-9]*\) messages, \([0-9]*\) records).*/\1 \2 \3/p' "$out")
  fi
  [ -n "${REC:-}" ] || { log "transfer failed:"; tail -5 "$out" >&2; return 1; }
}

bench() {  # NAME MODE
  local name=$1 mode=$2 port k="$2/$1" times=""
  port=$(free_port) || { log "no free port"; return 1; }
  log "$name $mode on $ADDR:$port"
  "start_$name" "$mode" "$port"
  wait_ready "$name" "$mode" "$port" || { stop_server; return 1; }
  for _ in $(seq 1 "$REPEAT"); do
    axfr_once "$port" || { stop_server; return 1; }
    times="$times $SECS"
    if [ -z "${BEST[$k]:-}" ] || awk -v a="$SECS" -v b="${BEST[$k]}" 'BEGIN { exit !(a < b) }'; then BEST[$k]=$SECS; fi
  done
  MSGS[$k]=$MSG; BYTES[$k]=$BYT; RECS[$k]=$REC
  # inkan's own view: the ms from its first message to its last, per transfer (paced by the client)
  [ "$name" = inkan ] && log "inkan 'transfer done' ms:" $(grep '"transfer done"' "$TMP/inkan/out.log" | grep -o '"ms":[0-9]*' | cut -d: -f2)
  stop_server
  printf '%-9s %-6s best %7.3f s   runs:%s   %s messages, %s bytes, %s records   load %s\n' "$mode" "$name" \
    "${BEST[$k]}" "$times" "$MSG" "$BYT" "$REC" "$(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT" >&2
}

ratio() { [ -n "${BEST[$1]:-}" ] && [ -n "${BEST[$2]:-}" ] && awk -v a="${BEST[$1]}" -v b="${BEST[$2]}" 'BEGIN { printf "%.2f", a / b }' || echo -; }

if [ "$BUILD" = 1 ] && [ -z "${INKAN_CLI:-}" ] && [[ " $SERVERS " == *" inkan "* ]]; then
  (cd "$ROOT" && npm run build --silent) >&2 || log "build failed; using dist/ as it is"
fi
make_data || { log "no data"; exit 1; }
{
  echo "# bench/axfr.sh $(date -u +%FT%TZ)  $(uname -n)  $(nproc) CPUs  names=$NAMES  repeat=$REPEAT  client=$CLIENT"
  echo "# versions: node $(node -v), $(nsd -v 2>&1 | head -1), $(named -v), $(kdig -V 2>&1 | head -1)"
  echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$OUT" >&2
for mode in $MODES; do
  for s in $SERVERS; do bench "$s" "$mode" || log "$s $mode: no figure"; done
done
{
  echo "# seconds (best of $REPEAT); ratios are inkan's time over the peer's (below 1: inkan faster)"
  printf '%-9s %8s %8s %8s %12s %12s\n' mode inkan nsd named inkan/nsd inkan/named
  for mode in $MODES; do
    printf '%-9s %8s %8s %8s %12s %12s\n' "$mode" "${BEST[$mode/inkan]:--}" "${BEST[$mode/nsd]:--}" "${BEST[$mode/named]:--}" \
      "$(ratio "$mode/inkan" "$mode/nsd")" "$(ratio "$mode/inkan" "$mode/named")"
  done
  echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee -a "$OUT"
