# Sourced by load.sh and signed-load.sh: NSD and Knot configurations for a benchmark run.
# write_nsd_conf DIR ADDRESS PORT ZONEFILE  -> DIR/nsd.conf serving bench.test from ZONEFILE
write_nsd_conf() {
  local d=$1 addr=$2 port=$3 zone=$4
  cat >"$d/nsd.conf" <<EOF2
server:
  ip-address: $addr
  port: $port
  username: ""
  chroot: ""
  zonesdir: "$d"
  pidfile: "$d/nsd.pid"
  database: ""
  zonelistfile: "$d/zone.list"
  xfrdfile: "$d/xfrd.state"
  xfrdir: "$d"
  logfile: "$d/nsd.log"
  server-count: 1
  verbosity: 0
  hide-version: yes
  # Debian's NSD has response rate limiting on by default: a benchmark from one address
  # would be rate limited (answers dropped or truncated). Off, like the other servers.
  rrl-ratelimit: 0
  rrl-whitelist-ratelimit: 0
  # serve from memory exactly as loaded; no zone file write-back.
  zonefiles-write: 0
remote-control:
  control-enable: no
zone:
  name: bench.test
  zonefile: "$zone"
EOF2
}

# write_knot_conf DIR ADDRESS PORT ZONEFILE [SECTIONS] [ZONE_LINES]  -> DIR/knot.conf, one
# worker of each kind; SECTIONS (e.g. a policy and mod-onlinesign) go before the template,
# ZONE_LINES (e.g. "    module: ...") at the end of the zone entry.
write_knot_conf() {
  local d=$1 addr=$2 port=$3 zone=$4 sections=${5:-} zonelines=${6:-}
  {
    cat <<EOF2
server:
  rundir: "$d"
  user: root
  listen: $addr@$port
  udp-workers: 1
  tcp-workers: 1
  background-workers: 1
log:
  - target: stderr
    any: warning
database:
  storage: "$d/db"
control:
  listen: "$d/knot.sock"
EOF2
    if [ -n "$sections" ]; then printf '%s\n' "$sections"; fi
    cat <<EOF2
template:
  - id: default
    storage: "$d"
    zonefile-sync: -1
    zonefile-load: whole
    journal-content: none
zone:
  - domain: bench.test
    file: "$zone"
EOF2
    if [ -n "$zonelines" ]; then printf '%s\n' "$zonelines"; fi
  } >"$d/knot.conf"
}
