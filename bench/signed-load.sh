#!/usr/bin/env bash
# Signed UDP load: dnsperf q/s with DO=1 (dnsperf -D) for the realistic mix and the
# random-subdomain flood, against
#   inkan   online signing, warm: its background signing done, then two warm-up passes over
#           the whole mix file with DO=1 (dnsperf -n 2; inkan caches an answer the second
#           time a question is asked, so two passes fill the response cache)
#   knot    Knot DNS with mod-onlinesign (signs each answer online, its own key)
#   pdns    PowerDNS Authoritative, bind backend + bind-dnssec-db, live signing (secure-zone)
#   nsd     NSD serving a copy pre-signed with ldns-signzone (the ceiling: nothing signed online)
# plus inkan's own unsigned figures (DO=0, no dnssec) from bench/load.sh with the same
# dnsperf parameters, for the ratio "DO=1 mix >= 0.9x unsigned mix".
#
#   bash bench/signed-load.sh                                   # 10k, all servers, 15 s runs
#   bash bench/signed-load.sh --duration 3 --sizes 10k          # quick harness check
#   bash bench/signed-load.sh --sizes "10k 100k" --repeat 3 --servers "inkan pdns"
#
# Options (defaults in brackets):
#   --duration S [15]       dnsperf -l per run          --sizes LIST [10k]  (10k 100k ...)
#   --servers LIST [unsigned inkan knot pdns nsd]       --workloads LIST [mix flood]
#   --algorithm 13|15 [13]  every server's signing algorithm (NSD's pre-signed copy too)
#   --denial nsec|nsec3 [nsec]  inkan, PowerDNS and the NSD copy (Knot onlinesign: NSEC only)
#   --repeat N [1]          runs per cell, the best kept (flood repeats start at another
#                           place in the flood file, so no name is asked twice of one server)
#   --warm S [120]          upper bound of inkan's warm-up (two passes over the mix file)
#   --warm-all              give every server that warm-up pass, not only inkan
#   --clients N [16] --outstanding N [1000]                dnsperf -c / -q
#   --ready-timeout S [600] a server may take this long to load (and inkan to sign)
#   --no-build              use dist/ as it is            --out FILE [bench/results/signed-load-*.txt]
#   --verify-only           start each server and check its DO=1 answers, no load
#
# Each server listens on 127.0.0.1 at a free run-time port, pinned to CPU 0 (taskset);
# dnsperf is pinned to CPU 1. Every run is bounded by `timeout`; every server is stopped at
# exit (trap), also on failure or Ctrl-C. Before measuring, one `dig +dnssec` per server
# checks that a positive answer carries an RRSIG and an NXDOMAIN answer carries a signed
# NSEC/NSEC3 proof, so a misconfigured server cannot produce a figure. Every command run
# (server, dig, dnsperf, load.sh) is printed with a leading "+".
set -u -o pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=server-conf.sh
source "$HERE/server-conf.sh"
# shellcheck source=procs.sh
source "$HERE/procs.sh"
ROOT=$(cd "$HERE/.." && pwd)
DURATION=15; SIZES="10k"; SERVERS="unsigned inkan knot pdns nsd"; WORKLOADS="mix flood"
ALG=13; DENIAL=nsec; REPEAT=1; WARM=120; WARM_ALL=0; CLIENTS=16; OUTSTANDING=1000; READY_TIMEOUT=600
BUILD=1; VERIFY_ONLY=0; SERVER_CPU=0; CLIENT_CPU=1; ADDR=127.0.0.1
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT="$HERE/results/signed-load-$STAMP.txt"
while [ $# -gt 0 ]; do
  case $1 in
    --duration) DURATION=$2; shift;;
    --sizes) SIZES=$2; shift;;
    --servers) SERVERS=$2; shift;;
    --workloads) WORKLOADS=$2; shift;;
    --algorithm) ALG=$2; shift;;
    --denial) DENIAL=$2; shift;;
    --repeat) REPEAT=$2; shift;;
    --warm) WARM=$2; shift;;
    --warm-all) WARM_ALL=1;;
    --clients) CLIENTS=$2; shift;;
    --outstanding) OUTSTANDING=$2; shift;;
    --ready-timeout) READY_TIMEOUT=$2; shift;;
    --no-build) BUILD=0;;
    --verify-only) VERIFY_ONLY=1;;
    --out) OUT=$2; shift;;
    -h|--help) sed -n '2,38p' "$0"; exit 0;;
    *) echo "unknown option $1" >&2; exit 2;;
  esac
  shift
done
case $ALG in 13) ALGNAME=ECDSAP256SHA256; KNOTALG=ecdsap256sha256; PDNSALG=ecdsa256;;
             15) ALGNAME=ED25519; KNOTALG=ed25519; PDNSALG=ed25519;;
             *) echo "--algorithm: 13 or 15" >&2; exit 2;; esac
case $DENIAL in nsec|nsec3) ;; *) echo "--denial: nsec or nsec3" >&2; exit 2;; esac
mkdir -p "$HERE/results"

TMP=$(mktemp -d /tmp/inkan-signed-load.XXXXXX)
SERVER_PID=""
declare -A QPS LOST AVG RCODES SCPU

show() { echo "+ $*" | tee -a "$OUT" >&2; }   # the exact command line, before running it

# dnsperf runs in the background and is waited for, so a TERM/INT to this script stops the run
# at once (bash runs traps only between foreground commands, but does interrupt `wait`).
CLIENT_PID=""
cleanup() {
  [ -n "$CLIENT_PID" ] && kill -TERM "$CLIENT_PID" 2>/dev/null
  stop_server; rm -rf "$TMP"
}
# CPU ticks (user+system) used so far by a process and its children (NSD forks a worker).
cpu_ticks() {
  local total=0 p
  for p in $1 $(descendants "$1"); do
    [ -r "/proc/$p/stat" ] || continue
    total=$((total + $(sed 's/.*) //' "/proc/$p/stat" | awk '{print $12 + $13}')))
  done
  echo "$total"
}
# Queries answered per CPU-second the server used (less sensitive to a busy machine than q/s).
per_cpu() { awk -v q="${QPS[$1]:-0}" -v c="${SCPU[$1]:-0}" 'BEGIN { if (c > 0) printf "%.0f", q * 100 / c; else printf "-" }'; }
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

ensure_data() {  # zone and query files from gen-zone.mjs, shared with load.sh (bench/data/SIZE)
  local size=$1 n
  case $size in *k) n=$(( ${size%k} * 1000 ));; *m) n=$(( ${size%m} * 1000000 ));; *) n=$size;; esac
  [ -s "$HERE/data/$size/queries-flood.txt" ] && return 0
  log "generating $size zone and query files"
  show node "$HERE/gen-zone.mjs" --names "$n" --out "$HERE/data/$size"
  node "$HERE/gen-zone.mjs" --names "$n" --out "$HERE/data/$size" >/dev/null
}

# ---- servers: start_<name> ZONEFILE PORT SIZE; sets SERVER_PID ----------------------------
start_inkan() {
  local zone=$1 port=$2 d="$TMP/inkan"
  rm -rf "$d"; mkdir -p "$d/keys"
  cat >"$d/inkan.yaml" <<EOF
listen:
  - $ADDR:$port
keys-dir: $d/keys
zones:
  - name: bench.test
    file: $zone
    dnssec: { algorithm: $ALG, denial: $DENIAL }
log:
  level: info
EOF
  show "(cd $ROOT && taskset -c $SERVER_CPU node dist/cli/main.js serve --config $d/inkan.yaml)"
  (cd "$ROOT" && exec taskset -c "$SERVER_CPU" node dist/cli/main.js serve --config "$d/inkan.yaml") \
    >"$d/stdout.log" 2>&1 &
  SERVER_PID=$!
}

start_knot() {
  local zone=$1 port=$2 d="$TMP/knot"
  rm -rf "$d"; mkdir -p "$d/db"
  write_knot_conf "$d" "$ADDR" "$port" "$zone" "policy:
  - id: online
    algorithm: $KNOTALG
    single-type-signing: on
mod-onlinesign:
  - id: online
    policy: online" "    module: mod-onlinesign/online"
  show taskset -c "$SERVER_CPU" knotd -c "$d/knot.conf"
  taskset -c "$SERVER_CPU" knotd -c "$d/knot.conf" >"$d/stdout.log" 2>&1 &
  SERVER_PID=$!
}

start_pdns() {
  local zone=$1 port=$2 d="$TMP/pdns"
  rm -rf "$d"; mkdir -p "$d/sock"
  cat >"$d/named.conf" <<EOF
zone "bench.test" { type master; file "$zone"; };
EOF
  # pdns.conf in --config-dir, read by pdns_server and pdnsutil alike.
  cat >"$d/pdns.conf" <<EOF
launch=bind
bind-config=$d/named.conf
bind-dnssec-db=$d/dnssec.sqlite3
local-address=$ADDR
local-port=$port
socket-dir=$d/sock
daemon=no
guardian=no
disable-syslog=yes
loglevel=4
distributor-threads=1
receiver-threads=1
webserver=no
api=no
# no security-status lookups: nothing leaves this machine
security-poll-suffix=
default-ksk-algorithm=$PDNSALG
default-zsk-algorithm=
EOF
  [ "$DENIAL" = nsec3 ] && echo "# NSEC3 set by pdnsutil set-nsec3 below" >>"$d/pdns.conf"
  show pdnsutil --config-dir="$d" create-bind-db "$d/dnssec.sqlite3"
  timeout 60 pdnsutil --config-dir="$d" create-bind-db "$d/dnssec.sqlite3" >"$d/pdnsutil.log" 2>&1 \
    || { log "pdnsutil create-bind-db failed:"; tail -5 "$d/pdnsutil.log" >&2; return 1; }
  show pdnsutil --config-dir="$d" secure-zone bench.test
  timeout 300 pdnsutil --config-dir="$d" secure-zone bench.test >>"$d/pdnsutil.log" 2>&1 \
    || { log "pdnsutil secure-zone failed:"; tail -5 "$d/pdnsutil.log" >&2; return 1; }
  if [ "$DENIAL" = nsec3 ]; then
    show pdnsutil --config-dir="$d" set-nsec3 bench.test "'1 0 0 -'"
    timeout 60 pdnsutil --config-dir="$d" set-nsec3 bench.test '1 0 0 -' >>"$d/pdnsutil.log" 2>&1 \
      || { log "pdnsutil set-nsec3 failed:"; tail -5 "$d/pdnsutil.log" >&2; return 1; }
  fi
  show taskset -c "$SERVER_CPU" pdns_server --config-dir="$d"
  taskset -c "$SERVER_CPU" pdns_server --config-dir="$d" >"$d/stdout.log" 2>&1 &
  SERVER_PID=$!
}

# NSD serves a copy signed beforehand by ldns-signzone (cached per size/algorithm/denial).
presign_nsd() {
  local zone=$1 size=$2 d="$TMP/nsd-keys-$size" signed="$TMP/nsd-$size.signed" key
  [ -s "$signed" ] && { echo "$signed"; return 0; }
  mkdir -p "$d"
  (cd "$d" && ldns-keygen -a "$ALGNAME" bench.test >/dev/null) || return 1
  key=$(ls "$d"/Kbench.test.+*.private | head -1); key=${key%.private}
  local n3=""; [ "$DENIAL" = nsec3 ] && n3="-n -t 0"
  # shellcheck disable=SC2086
  show ldns-signzone $n3 -o bench.test. -f "$signed" "$zone" "$key"
  # shellcheck disable=SC2086
  timeout 600 ldns-signzone $n3 -o bench.test. -f "$signed" "$zone" "$key" >&2 || return 1
  echo "$signed"
}

start_nsd() {
  local zone=$1 port=$2 size=$3 d="$TMP/nsd" signed
  signed=$(presign_nsd "$zone" "$size") || { log "ldns-signzone failed"; return 1; }
  rm -rf "$d"; mkdir -p "$d"
  write_nsd_conf "$d" "$ADDR" "$port" "$signed"
  show taskset -c "$SERVER_CPU" nsd -d -c "$d/nsd.conf"
  taskset -c "$SERVER_CPU" nsd -d -c "$d/nsd.conf" >"$d/stdout.log" 2>&1 &
  SERVER_PID=$!
}

server_log() {
  case $1 in
    nsd) cat "$TMP/nsd/stdout.log" "$TMP/nsd/nsd.log";;
    *) cat "$TMP/$1/stdout.log";;
  esac 2>/dev/null | tail -20
}

wait_ready() {  # until the apex SOA is answered
  local name=$1 port=$2 deadline ans
  deadline=$((SECONDS + READY_TIMEOUT))
  while [ $SECONDS -lt $deadline ]; do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      log "$name exited before answering:"; server_log "$name" >&2; return 1
    fi
    ans=$(dig +short +time=1 +tries=1 -p "$port" @"$ADDR" bench.test SOA 2>/dev/null)
    if [ -n "$ans" ] && ! grep -q 'timed out\|connection refused\|no servers' <<<"$ans"; then return 0; fi
    sleep 0.3
  done
  log "$name did not answer bench.test SOA within ${READY_TIMEOUT}s:"; server_log "$name" >&2
  return 1
}

# inkan: wait for the background signing of the loaded version to finish.
wait_signed_inkan() {
  local deadline=$((SECONDS + READY_TIMEOUT)) line
  while [ $SECONDS -lt $deadline ]; do
    line=$(grep -m1 'zone signed in the background' "$TMP/inkan/stdout.log" 2>/dev/null)
    if [ -n "$line" ]; then
      log "inkan: $(grep -o '"signatures":[0-9]*,\?\|"ms":[0-9]*' <<<"$line" | tr -d , | tr '\n' ' ')"
      return 0
    fi
    kill -0 "$SERVER_PID" 2>/dev/null || { log "inkan exited:"; server_log inkan >&2; return 1; }
    sleep 0.5
  done
  log "inkan did not finish background signing within ${READY_TIMEOUT}s"; return 1
}

# verify NAME PORT SIZE: DO=1 answers must carry RRSIGs (positive) and a signed denial proof
# (NXDOMAIN). One dig each; the output is kept in the results file.
verify() {
  local name=$1 port=$2 size=$3 pos neg host
  # An existing name from the zone with an A record (the apex has one too; a name is better).
  host=$(awk '(($2 == "IN" && $3 == "A") || ($3 == "IN" && $4 == "A")) && $1 !~ /^[@*;$]|^ns[12]$|^mail$/ {print $1; exit}' \
    "$HERE/data/$size/bench.test.zone")
  [[ $host == *. ]] || host="$host.bench.test."
  show dig +dnssec +norec +time=2 +tries=2 -p "$port" @"$ADDR" "$host" A
  pos=$(dig +dnssec +norec +time=2 +tries=2 -p "$port" @"$ADDR" "$host" A 2>&1)
  show dig +dnssec +norec +time=2 +tries=2 -p "$port" @"$ADDR" nx-verify-0.bench.test. A
  neg=$(dig +dnssec +norec +time=2 +tries=2 -p "$port" @"$ADDR" nx-verify-0.bench.test. A 2>&1)
  local ok=1
  # An RRSIG over the A RRset, made with the algorithm asked for.
  if ! awk -v a="$ALG" '/ANSWER SECTION/ {s=1; next} /^$/ {s=0} s && $4 == "RRSIG" && $5 == "A" && $6 == a {f=1} END {exit !f}' <<<"$pos"; then
    log "$name: no algorithm $ALG RRSIG over the A answer for $host:"; echo "$pos" >&2; ok=0
  fi
  # A denial record of the kind asked for (Knot's onlinesign has NSEC only), and its RRSIG.
  local dt=${DENIAL^^}; [ "$name" = knot ] && dt=NSEC
  if ! awk -v t="$dt" -v a="$ALG" '/AUTHORITY SECTION/ {s=1; next} /^$/ {s=0}
            s && $4 == t {d=1} s && $4 == "RRSIG" && $5 == t && $6 == a {r=1}
            END {exit !(d && r)}' <<<"$neg"; then
    log "$name: no signed $dt proof (algorithm $ALG) for nx-verify-0.bench.test.:"; echo "$neg" >&2; ok=0
  fi
  local st; st=$(grep -o 'status: [A-Z]*' <<<"$neg" | head -1)
  {
    echo "# verify $name/$size: $host A -> $(grep -c $'\tRRSIG\t' <<<"$pos") RRSIG lines" \
         "(A signed with algorithm $(awk '$4 == "RRSIG" && $5 == "A" {print $6; exit}' <<<"$pos"));" \
         "nx-verify-0 -> ${st#status: }, $(awk '/AUTHORITY SECTION/ {s=1; next} /^$/ {s=0} s {print $4 ($4 == "RRSIG" ? "(" $5 ")" : "")}' <<<"$neg" | sort | uniq -c | xargs)"
  } | tee -a "$OUT" >&2
  [ $ok = 1 ]
}

# run_dnsperf KEY FILE PORT [extra dnsperf args]: one bounded dnsperf run, parsed.
run_dnsperf() {
  local key=$1 file=$2 port=$3; shift 3
  local res="$TMP/dnsperf-${key//[\/@%#]/_}.txt"
  show taskset -c "$CLIENT_CPU" dnsperf -s "$ADDR" -p "$port" -d "$file" -l "$DURATION" \
    -c "$CLIENTS" -q "$OUTSTANDING" -T 1 -t 2 "$@"
  local t0 t1 w0 w1
  t0=$(cpu_ticks "$SERVER_PID"); w0=$(date +%s.%N)
  timeout -k 5 $((DURATION + 30)) taskset -c "$CLIENT_CPU" \
    dnsperf -s "$ADDR" -p "$port" -d "$file" -l "$DURATION" -c "$CLIENTS" -q "$OUTSTANDING" -T 1 -t 2 "$@" \
    >"$res" 2>&1 &
  CLIENT_PID=$!
  wait "$CLIENT_PID"; CLIENT_PID=""
  t1=$(cpu_ticks "$SERVER_PID"); w1=$(date +%s.%N)
  # Server CPU over the run, in % of one core (wall time measured: a warm-up pass may end early).
  SCPU[$key]=$(awk -v a="$t0" -v b="$t1" -v c="$(getconf CLK_TCK)" -v x="$w0" -v y="$w1" \
    'BEGIN {printf "%.0f", (b - a) / c / (y - x) * 100}')
  QPS[$key]=$(awk '/Queries per second:/ {printf "%.0f", $4}' "$res")
  LOST[$key]=$(awk '/Queries lost:/ {gsub(/[()%]/, "", $4); print $4}' "$res")
  AVG[$key]=$(awk '/Average Latency/ {printf "%.2f", $4 * 1000}' "$res")
  RCODES[$key]=$(awk -F': *' '/Response codes:/ {print $2}' "$res")
  if [ -z "${QPS[$key]}" ]; then
    log "dnsperf gave no result for $key:"; tail -5 "$res" >&2
    QPS[$key]=0; LOST[$key]=100; AVG[$key]=-
  fi
  printf '%-28s %8s q/s  lost %6s%%  avg %7s ms  server CPU %3s%%  load %s  [%s]\n' "$key" "${QPS[$key]}" \
    "${LOST[$key]}" "${AVG[$key]}" "${SCPU[$key]}" "$(cut -d' ' -f1 /proc/loadavg)" "${RCODES[$key]}" | tee -a "$OUT" >&2
}

# The flood file rotated to start at line FROM (cached in TMP): a repeated flood run against the
# same server must ask new names, or it measures the response cache, not the flood.
rotated() {
  local file=$1 from=$2 out="$TMP/flood-$(basename "$(dirname "$1")")-$2.txt"
  [ -s "$out" ] || { tail -n +"$from" "$file"; head -n $((from - 1)) "$file"; } >"$out"
  echo "$out"
}

run_best() {  # KEY FILE PORT [args]: REPEAT runs, KEY keeps the one with the most q/s
  local key=$1 file=$2 port=$3 r best="" f lines; shift 3
  for r in $(seq 1 "$REPEAT"); do
    f=$file
    if [[ $file == *queries-flood.txt ]] && [ "$r" -gt 1 ]; then
      lines=$(wc -l <"$file")
      f=$(rotated "$file" $(( (r - 1) * lines / REPEAT + 1 )))
    fi
    run_dnsperf "$key#$r" "$f" "$port" "$@"
    if [ -z "$best" ] || [ "${QPS[$key#$r]}" -gt "${QPS[$best]}" ]; then best="$key#$r"; fi
  done
  QPS[$key]=${QPS[$best]}; LOST[$key]=${LOST[$best]}; AVG[$key]=${AVG[$best]}; RCODES[$key]=${RCODES[$best]}
  SCPU[$key]=${SCPU[$best]}
}

bench_server() {
  local name=$1 size=$2 zone="$HERE/data/$size/bench.test.zone" port w
  port=$(free_port) || { log "no free port"; return 1; }
  log "starting $name on $ADDR:$port ($size zone, algorithm $ALG, $DENIAL)"
  local t0=$SECONDS
  "start_$name" "$zone" "$port" "$size" || { stop_server; return 1; }
  if ! wait_ready "$name" "$port"; then stop_server; return 1; fi
  log "$name answering after $((SECONDS - t0))s"
  if [ "$name" = inkan ]; then wait_signed_inkan || { stop_server; return 1; }; fi
  if ! verify "$name" "$port" "$size"; then
    log "$name: DO=1 answers are not signed; not measured"; stop_server; return 1
  fi
  if [ "$VERIFY_ONLY" = 1 ]; then stop_server; return 0; fi
  if [ "$name" = inkan ] || [ "$WARM_ALL" = 1 ]; then
    log "$name: warm-up, the whole mix file twice with DO=1, at most ${WARM}s (not recorded)"
    local d=$DURATION; DURATION=$WARM
    run_dnsperf "warm-up/$name/$size/mix" "$HERE/data/$size/queries-mix.txt" "$port" -D -n 2
    DURATION=$d
  fi
  for w in $WORKLOADS; do
    run_best "$name/$size/$w" "$HERE/data/$size/queries-$w.txt" "$port" -D
  done
  stop_server
}

# inkan unsigned (no dnssec, DO=0): bench/load.sh itself, with the same dnsperf parameters.
# mix: one run more than --repeat; load.sh keeps the best run, so its first run is the warm-up
# pass (response cache filled), as inkan's signed runs get one. flood: one run (load.sh repeats
# a flood from the same first line, so a second run would be answered from the response cache).
bench_unsigned() {
  local size=$1 w n out
  for w in $WORKLOADS; do
    out="$TMP/load-$size-$w.txt"; n=$((REPEAT + 1)); [ "$w" = flood ] && n=1
    show "SIZES=$size SERVERS=inkan WORKLOADS=$w DURATION=$DURATION CLIENTS=$CLIENTS" \
         "OUTSTANDING=$OUTSTANDING THREADS=1 REPEAT=$n HALF=0 BUILD=0 READY_TIMEOUT=$READY_TIMEOUT" \
         "SERVER_CPU=$SERVER_CPU CLIENT_CPU=$CLIENT_CPU OUT=$out bash $HERE/load.sh"
    SIZES=$size SERVERS=inkan WORKLOADS=$w DURATION=$DURATION CLIENTS=$CLIENTS \
      OUTSTANDING=$OUTSTANDING THREADS=1 REPEAT=$n HALF=0 BUILD=0 READY_TIMEOUT=$READY_TIMEOUT \
      SERVER_CPU=$SERVER_CPU CLIENT_CPU=$CLIENT_CPU OUT=$out \
      timeout -k 10 $(( (DURATION + 40) * n + READY_TIMEOUT )) bash "$HERE/load.sh" >/dev/null 2>"$TMP/load-$size.err" \
      || { log "load.sh failed:"; tail -5 "$TMP/load-$size.err" >&2; }
  done
  # load.sh summary rows: size load server qps lost% avg_ms max_ms other%
  for w in $WORKLOADS; do
    out="$TMP/load-$size-$w.txt"
    local row; row=$(awk -v s="$size" -v w="$w" '$1 == s && $2 == w && $3 == "inkan"' "$out" 2>/dev/null | tail -1)
    [ -n "$row" ] || continue
    local key="unsigned/$size/$w"
    local qpc
    read -r _ _ _ QPS[$key] LOST[$key] AVG[$key] _ _ qpc _ <<<"$row"
    # load.sh prints queries per server CPU-second; keep it as a CPU % for per_cpu.
    SCPU[$key]=$(awk -v q="${QPS[$key]}" -v p="${qpc:-}" 'BEGIN { if (p + 0 > 0) printf "%.0f", q * 100 / p }')
    RCODES[$key]=$(grep "^inkan/$size/$w#" "$out" | tail -1 | sed 's/.*\[\(.*\)\]$/\1/')
    printf '%-28s %8s q/s  lost %6s%%  avg %7s ms  (bench/load.sh, DO=0)  [%s]\n' "$key" "${QPS[$key]}" \
      "${LOST[$key]}" "${AVG[$key]}" "${RCODES[$key]}" | tee -a "$OUT" >&2
  done
}

# ---- main -----------------------------------------------------------------------------
for tool in dnsperf dig taskset node; do command -v "$tool" >/dev/null || { log "missing $tool"; exit 1; }; done
for s in $SERVERS; do
  case $s in
    knot) need=knotd;; pdns) need="pdns_server pdnsutil";; nsd) need="nsd ldns-keygen ldns-signzone";; *) need="";;
  esac
  for t in $need; do command -v "$t" >/dev/null || { log "missing $t: skipping $s"; SERVERS=${SERVERS//$s/}; }; done
done
{
  echo "# inkan signed load benchmark $STAMP: DO=1, algorithm $ALG, $DENIAL"
  echo "# host: $(nproc) CPUs, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo); node $(node --version)"
  echo "# $(knotd -V 2>&1 | head -1); $(pdns_server --version 2>&1 | grep -o 'PowerDNS Authoritative Server [0-9.]*' | head -1); $(nsd -v 2>&1 | head -1); $(dnsperf -h 2>&1 | grep Version)"
  echo "# dnsperf -l $DURATION -c $CLIENTS -q $OUTSTANDING -T 1 -t 2 -D (CPU $CLIENT_CPU); servers on CPU $SERVER_CPU; repeat $REPEAT"
  echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$OUT" >&2

if [[ " $SERVERS " == *" inkan "* || " $SERVERS " == *" unsigned "* ]] && [ "$BUILD" = 1 ]; then
  log "building inkan"
  show "(cd $ROOT && npm run build)"
  (cd "$ROOT" && timeout 300 npm run build --silent) >"$TMP/build.log" 2>&1 \
    || { log "inkan build failed:"; tail -20 "$TMP/build.log" >&2
         [ -f "$ROOT/dist/cli/main.js" ] || { log "no dist/: skipping inkan"; SERVERS=${SERVERS//inkan/}; SERVERS=${SERVERS//unsigned/}; }; }
fi

for size in $SIZES; do
  ensure_data "$size" || { log "cannot make $size data"; exit 1; }
  for s in $SERVERS; do
    if [ "$s" = unsigned ]; then [ "$VERIFY_ONLY" = 1 ] || bench_unsigned "$size"; continue; fi
    bench_server "$s" "$size" || log "$s on $size failed; continuing"
  done
done

# ---- summary --------------------------------------------------------------------------
ratio() { awk -v a="${1:-0}" -v b="${2:-0}" 'BEGIN { if (a > 0 && b > 0) printf "%.2f", a / b; else printf "-" }'; }
{
  echo
  echo "## summary: DO=1 queries/s (unsigned: inkan without dnssec, DO=0), lost %, avg latency ms"
  printf '%-6s %-6s %-9s %10s %8s %9s %6s %9s   %s\n' size load server qps lost% avg_ms cpu% q/cpu-s rcodes
  for size in $SIZES; do
    for w in $WORKLOADS; do
      for s in $SERVERS; do
        k="$s/$size/$w"
        [ -n "${QPS[$k]:-}" ] || continue
        r=$(grep -o '[A-Z]* [0-9]* ([0-9.]*%)' <<<"${RCODES[$k]:-}" | awk '{printf "%s%s ", $1, $3}')
        printf '%-6s %-6s %-9s %10s %8s %9s %6s %9s   %s\n' "$size" "$w" "$s" "${QPS[$k]}" "${LOST[$k]}" "${AVG[$k]}" \
          "${SCPU[$k]:--}" "$(per_cpu "$k")" "$r"
      done
    done
  done
  echo
  echo "## ratios (targets: inkan DO=1 mix >= 0.90x inkan unsigned mix; inkan DO=1 flood >= 3x PowerDNS)"
  echo "(q/cpu-s: the same ratios of queries per server CPU-second, less sensitive to a busy machine)"
  printf '%-6s %-6s %-6s %15s %11s %11s %10s\n' size load of inkan/unsigned inkan/pdns inkan/knot inkan/nsd
  for size in $SIZES; do
    for w in $WORKLOADS; do
      i=${QPS[inkan/$size/$w]:-0}
      printf '%-6s %-6s %-6s %15s %11s %11s %10s\n' "$size" "$w" q/s "$(ratio "$i" "${QPS[unsigned/$size/$w]:-0}")" \
        "$(ratio "$i" "${QPS[pdns/$size/$w]:-0}")" "$(ratio "$i" "${QPS[knot/$size/$w]:-0}")" "$(ratio "$i" "${QPS[nsd/$size/$w]:-0}")"
      i=$(per_cpu "inkan/$size/$w")
      printf '%-6s %-6s %-6s %15s %11s %11s %10s\n' "$size" "$w" q/cpu-s "$(ratio "$i" "$(per_cpu "unsigned/$size/$w")")" \
        "$(ratio "$i" "$(per_cpu "pdns/$size/$w")")" "$(ratio "$i" "$(per_cpu "knot/$size/$w")")" "$(ratio "$i" "$(per_cpu "nsd/$size/$w")")"
    done
  done
  echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee -a "$OUT"
log "results written to $OUT"
