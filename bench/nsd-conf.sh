# Sourced by load.sh and signed-load.sh: NSD's configuration for a benchmark run.
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
