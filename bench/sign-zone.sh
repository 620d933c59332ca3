#!/usr/bin/env bash
# Time to sign a whole zone (NSEC): inkan (loadSignedZone + presign of the current window on a
# SigningPool of 2 threads, bench/sign-zone.mjs) beside ldns-signzone (one core) and BIND's
# dnssec-signzone -S -z -P -O full (-n 1 on one core, and -n 2), for algorithms 13 and 15.
# Target: inkan <= 0.5x ldns-signzone's time on the 100k-name zone.
#
#   bash bench/sign-zone.sh                          # 100k names, algorithms 13 15, best of 1
#   bash bench/sign-zone.sh --sizes "10k 100k" --algorithms 13 --repeat 3
#
# Options: --sizes LIST (100k)  --algorithms LIST (13 15)  --repeat N (1: best of N wall times)
#          --limit S (600: seconds any one run may take)  --no-build  --out FILE
# (--duration is accepted and ignored, for symmetry with signed-load.sh.)
#
# ldns-signzone and dnssec-signzone -n 1 run pinned to CPU 0 (one core); inkan's pool and
# dnssec-signzone -n 2 run unpinned on both CPUs. Wall time is what is compared; CPU time
# (user+sys) is shown beside it. Each tool writes its signed zone to a temp dir (removed at
# exit); inkan keeps its signatures in memory, as `inkan serve` does.
set -u -o pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
SIZES="100k"; ALGS="13 15"; REPEAT=1; LIMIT=600; BUILD=1; THREADS=2; CPU=0
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT="$HERE/results/sign-zone-$STAMP.txt"
while [ $# -gt 0 ]; do
  case $1 in
    --sizes) SIZES=$2; shift;;
    --algorithms) ALGS=$2; shift;;
    --repeat) REPEAT=$2; shift;;
    --limit) LIMIT=$2; shift;;
    --duration) shift;;
    --no-build) BUILD=0;;
    --out) OUT=$2; shift;;
    -h|--help) sed -n '2,18p' "$0"; exit 0;;
    *) echo "unknown option $1" >&2; exit 2;;
  esac
  shift
done
mkdir -p "$HERE/results"
TMP=$(mktemp -d /tmp/inkan-signzone.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM
log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }
declare -A WALL CPUS

for tool in ldns-keygen ldns-signzone dnssec-keygen dnssec-signzone taskset node /usr/bin/time; do
  command -v "$tool" >/dev/null || { log "missing $tool"; exit 1; }
done

ensure_data() {  # the zone files come from gen-zone.mjs, as for load.sh
  local size=$1 n
  case $size in *k) n=$(( ${size%k} * 1000 ));; *m) n=$(( ${size%m} * 1000000 ));; *) n=$size;; esac
  [ -s "$HERE/data/$size/bench.test.zone" ] && return 0
  log "generating $size zone"
  node "$HERE/gen-zone.mjs" --names "$n" --out "$HERE/data/$size" >/dev/null
}

# timed KEY CMD...: REPEAT runs under /usr/bin/time; keeps the lowest wall time in WALL[KEY].
timed() {
  local key=$1 i s u y rc; shift
  echo "+ $*" | tee -a "$OUT" >&2
  for i in $(seq 1 "$REPEAT"); do
    timeout -k 5 "$LIMIT" /usr/bin/time -o "$TMP/time" -f '%e %U %S' "$@" >"$TMP/out" 2>&1
    rc=$?
    if [ $rc -ne 0 ]; then log "$key failed (exit $rc):"; tail -5 "$TMP/out" >&2; return 1; fi
    read -r s u y < <(tail -1 "$TMP/time")
    local extra=""
    [[ $key == inkan* ]] && extra=" $(tail -1 "$TMP/out")"
    log "$key run $i: ${s}s wall, $(awk -v u="$u" -v y="$y" 'BEGIN {printf "%.2f", u + y}')s CPU$extra"
    if [ -z "${WALL[$key]:-}" ] || awk -v a="$s" -v b="${WALL[$key]}" 'BEGIN {exit !(a < b)}'; then
      WALL[$key]=$s; CPUS[$key]=$(awk -v u="$u" -v y="$y" 'BEGIN {printf "%.2f", u + y}')
      [[ $key == inkan* ]] && tail -1 "$TMP/out" >"$TMP/${key//\//_}.json"
    fi
  done
}

{
  echo "# inkan zone signing benchmark $STAMP"
  echo "# host: $(nproc) CPUs, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo); node $(node --version)"
  echo "# $(ldns-signzone -v 2>&1 | head -1); $(dnssec-signzone -V 2>&1 | head -1)"
  echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$OUT" >&2

if [ "$BUILD" = 1 ]; then
  log "building inkan"
  (cd "$ROOT" && timeout 300 npm run build --silent) >"$TMP/build.log" 2>&1 \
    || { log "build failed:"; tail -20 "$TMP/build.log" >&2; exit 1; }
fi

name_of() { case $1 in 13) echo ECDSAP256SHA256;; 15) echo ED25519;; 8) echo RSASHA256;; esac; }

for size in $SIZES; do
  ensure_data "$size" || exit 1
  zone="$HERE/data/$size/bench.test.zone"
  for alg in $ALGS; do
    an=$(name_of "$alg")
    d="$TMP/$size-$alg"; mkdir -p "$d/ldns" "$d/bind" "$d/inkan"
    # One signing key per tool (a CSK: no SEP split), so every tool makes the same signatures:
    # one RRSIG per authoritative RRset and NSEC record.
    (cd "$d/ldns" && ldns-keygen -a "$an" bench.test >/dev/null) || { log "ldns-keygen $an failed"; continue; }
    lkey=$(ls "$d"/ldns/Kbench.test.+*.private | head -1); lkey=${lkey%.private}
    dnssec-keygen -q -a "$an" -K "$d/bind" bench.test >/dev/null || { log "dnssec-keygen $an failed"; continue; }

    timed "inkan/$size/$alg" node "$HERE/sign-zone.mjs" --zone "$zone" --algorithm "$alg" --denial nsec \
      --threads "$THREADS" --keys-dir "$d/inkan"
    timed "ldns/$size/$alg" taskset -c "$CPU" ldns-signzone -o bench.test. -f "$d/ldns.signed" "$zone" "$lkey"
    timed "bind1/$size/$alg" taskset -c "$CPU" dnssec-signzone -S -z -P -O full -n 1 -d "$d" -K "$d/bind" -o bench.test. \
      -f "$d/bind1.signed" "$zone"
    timed "bind2/$size/$alg" dnssec-signzone -S -z -P -O full -n 2 -d "$d" -K "$d/bind" -o bench.test. \
      -f "$d/bind2.signed" "$zone"
    # The same number of signatures everywhere, or the comparison is off.
    for f in ldns.signed bind1.signed bind2.signed; do
      [ -s "$d/$f" ] && log "$f: $(awk '$3 == "RRSIG" || $4 == "RRSIG"' "$d/$f" | wc -l) RRSIG records"
    done
    rm -f "$d"/*.signed
  done
done

ratio() { awk -v a="${1:-0}" -v b="${2:-0}" 'BEGIN { if (a > 0 && b > 0) printf "%.2f", a / b; else printf "-" }'; }
{
  echo
  echo "## seconds (wall, best of $REPEAT; CPU s in brackets). inkan = load + sign; sign-only from its JSON"
  printf '%-5s %-4s %16s %11s %16s %16s %16s\n' size alg inkan inkan-sign ldns-signzone "dnssec-sz -n1" "dnssec-sz -n2"
  for size in $SIZES; do
    for alg in $ALGS; do
      k=$size/$alg
      sign=$(grep -o '"signMs":[0-9]*' "$TMP/inkan_${k//\//_}.json" 2>/dev/null | cut -d: -f2)
      sigs=$(grep -o '"signatures":[0-9]*' "$TMP/inkan_${k//\//_}.json" 2>/dev/null | cut -d: -f2)
      cell() { [ -n "${WALL[$1]:-}" ] && printf '%s (%s)' "${WALL[$1]}" "${CPUS[$1]}" || printf -- '-'; }
      printf '%-5s %-4s %16s %11s %16s %16s %16s   inkan signatures: %s\n' "$size" "$alg" "$(cell "inkan/$k")" \
        "$(awk -v m="${sign:-0}" 'BEGIN {printf "%.2f", m / 1000}')" "$(cell "ldns/$k")" "$(cell "bind1/$k")" "$(cell "bind2/$k")" "${sigs:--}"
    done
  done
  echo
  echo "## ratios of wall time (target: inkan / ldns-signzone <= 0.50)"
  printf '%-5s %-4s %12s %17s %17s\n' size alg inkan/ldns inkan/dnssec-n1 inkan/dnssec-n2
  for size in $SIZES; do
    for alg in $ALGS; do
      k=$size/$alg
      printf '%-5s %-4s %12s %17s %17s\n' "$size" "$alg" "$(ratio "${WALL[inkan/$k]:-}" "${WALL[ldns/$k]:-}")" \
        "$(ratio "${WALL[inkan/$k]:-}" "${WALL[bind1/$k]:-}")" "$(ratio "${WALL[inkan/$k]:-}" "${WALL[bind2/$k]:-}")"
    done
  done
  echo
  echo "## ratios of CPU time (user+sys; informative: on a busy machine wall time includes waiting)"
  printf '%-5s %-4s %12s %17s %17s\n' size alg inkan/ldns inkan/dnssec-n1 inkan/dnssec-n2
  for size in $SIZES; do
    for alg in $ALGS; do
      k=$size/$alg
      printf '%-5s %-4s %12s %17s %17s\n' "$size" "$alg" "$(ratio "${CPUS[inkan/$k]:-}" "${CPUS[ldns/$k]:-}")" \
        "$(ratio "${CPUS[inkan/$k]:-}" "${CPUS[bind1/$k]:-}")" "$(ratio "${CPUS[inkan/$k]:-}" "${CPUS[bind2/$k]:-}")"
    done
  done
  echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee -a "$OUT"
log "results written to $OUT"
