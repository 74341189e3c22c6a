#!/usr/bin/env bash
# The README's demo: builds shoal, starts a shoal-dhcp4 node on
# examples/shoal-dhcp4-memfile.json in a network namespace, and shows a real
# dhclient (isc-dhcp-client) in a second namespace get, renew and release a
# lease.
#
#   scripts/demo.sh            # as root (namespaces need it); installs what
#                              # is missing with apt, builds in build/
#
# Two namespaces are joined by a veth pair: "veth-shoal" (192.0.2.1/24, the
# interface the example configuration names) on the server side, "veth-client"
# on the client side. Nothing is configured in the host's own network
# namespace, the host's /etc/resolv.conf is never touched (dhclient runs with
# tests/e2e/client-script.sh, which only sets the address and default route
# in the client namespace), and everything - processes, namespaces, the
# scratch directory - is removed on exit, also on Ctrl-C or an error.
#
# Settings (environment): SHOAL_DEMO_BINARY=/path/to/shoal-dhcp4 uses that
# binary and skips install-deps.sh and build.sh.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CONFIG=$REPO/examples/shoal-dhcp4-memfile.json
CLIENT_SCRIPT=$REPO/tests/e2e/client-script.sh
SERVER_NS=shoal-demo-server
CLIENT_NS=shoal-demo-client

if [[ -t 1 ]]; then BOLD=$'\e[1m'; RESET=$'\e[0m'; else BOLD=; RESET=; fi
step() { printf '\n%s==> %s%s\n' "$BOLD" "$*" "$RESET"; }
die() { echo "demo.sh: $*" >&2; exit 1; }

if [[ $(id -u) -ne 0 ]]; then
  die "run me as root (sudo scripts/demo.sh): the demo creates network namespaces"
fi

if [[ -z ${SHOAL_DEMO_BINARY:-} ]]; then
  step "Installing missing packages (scripts/install-deps.sh)"
  "$REPO/scripts/install-deps.sh"
  step "Building (scripts/build.sh)"
  "$REPO/scripts/build.sh"
fi
SHOAL=${SHOAL_DEMO_BINARY:-$REPO/build/bin/shoal-dhcp4}
[[ -x $SHOAL ]] || die "$SHOAL is missing: run scripts/build.sh"
command -v dhclient >/dev/null || [[ -x /usr/sbin/dhclient ]] ||
  die "dhclient is missing: install isc-dhcp-client (scripts/install-deps.sh)"
DHCLIENT=$(command -v dhclient || echo /usr/sbin/dhclient)

SCRATCH=
SERVER_PID=

netns_gone() { ! ip netns list | awk '{print $1}' | grep -qx "$1"; }

delete_netns() {
  local ns=$1 pid
  netns_gone "$ns" && return 0
  # Only processes this demo started run in its namespaces (a dhclient left by
  # an interrupted earlier run, at worst): stop them, then remove the namespace.
  for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -TERM "$pid" 2>/dev/null || true; done
  sleep 0.2
  for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
  ip netns del "$ns" 2>/dev/null || true
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  step "Cleaning up"
  if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    echo "shoal-dhcp4 stopped"
  fi
  delete_netns "$CLIENT_NS"
  delete_netns "$SERVER_NS"
  echo "namespaces $SERVER_NS and $CLIENT_NS removed"
  if [[ -n $SCRATCH && -d $SCRATCH ]]; then
    rm -rf "$SCRATCH"
    echo "scratch directory $SCRATCH removed"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Idempotent: whatever an interrupted earlier run left is removed first.
delete_netns "$CLIENT_NS"
delete_netns "$SERVER_NS"

SCRATCH=$(mktemp -d /tmp/shoal-demo.XXXXXX)
chmod 755 "$SCRATCH"

step "Checking the configuration: shoal-dhcp4 -t $CONFIG"
"$SHOAL" -t "$CONFIG"

step "Creating namespaces $SERVER_NS and $CLIENT_NS, joined by veth-shoal <-> veth-client"
ip netns add "$SERVER_NS"
ip netns add "$CLIENT_NS"
ip -n "$SERVER_NS" link set lo up
ip -n "$CLIENT_NS" link set lo up
ip -n "$SERVER_NS" link add veth-shoal type veth peer name veth-client netns "$CLIENT_NS"
ip -n "$SERVER_NS" addr add 192.0.2.1/24 dev veth-shoal
ip -n "$SERVER_NS" link set veth-shoal up
ip -n "$CLIENT_NS" link set veth-client up
ip -n "$SERVER_NS" -br addr show dev veth-shoal
ip -n "$CLIENT_NS" -br link show dev veth-client

step "Starting shoal-dhcp4 -c $CONFIG in $SERVER_NS (working directory $SCRATCH)"
(cd "$SCRATCH" && exec ip netns exec "$SERVER_NS" "$SHOAL" -c "$CONFIG" >"$SCRATCH/shoal.log" 2>&1) &
SERVER_PID=$!
for _ in $(seq 1 100); do
  grep -q "serving with" "$SCRATCH/shoal.log" 2>/dev/null && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$SCRATCH/shoal.log"; die "shoal-dhcp4 exited"; }
  sleep 0.1
done
grep -q "serving with" "$SCRATCH/shoal.log" || { cat "$SCRATCH/shoal.log"; die "shoal-dhcp4 did not start"; }
cat "$SCRATCH/shoal.log"

# dhclient's script: records what dhclient got and sets the address and the
# default route in the client namespace; never writes /etc/resolv.conf.
cat >"$SCRATCH/dhclient-script" <<EOF
#!/bin/sh
exec /bin/sh '$CLIENT_SCRIPT' '$SCRATCH/dhclient.events' "\$@"
EOF
chmod 755 "$SCRATCH/dhclient-script"
cat >"$SCRATCH/dhclient.conf" <<'EOF'
request subnet-mask, broadcast-address, time-offset, routers,
        domain-name, domain-name-servers, host-name, interface-mtu;
timeout 30;
EOF
dhclient_in_ns() {
  ip netns exec "$CLIENT_NS" "$DHCLIENT" -4 -v -sf "$SCRATCH/dhclient-script" \
    -lf "$SCRATCH/dhclient.leases" -pf "$SCRATCH/dhclient.pid" -cf "$SCRATCH/dhclient.conf" "$@" veth-client
}
last_event() {  # prints the last event dhclient reported with its main values
  awk '/^=== event/{ev=$3; delete v; next} {split($0,kv,"="); v[kv[1]]=substr($0,length(kv[1])+2)}
       END{printf "  reason=%s\n", ev;
           n=split("new_ip_address new_subnet_mask new_routers new_domain_name_servers new_dhcp_lease_time new_dhcp_renewal_time new_dhcp_server_identifier", k, " ");
           for(i=1;i<=n;i++) if (k[i] in v) printf "  %s=%s\n", k[i], v[k[i]]}' "$SCRATCH/dhclient.events"
}
show_leases() {
  echo "--- $SCRATCH/shoal-leases4.csv (one row per change; the last row for an address wins):"
  cat "$SCRATCH/shoal-leases4.csv"
}

step "dhclient -v in $CLIENT_NS: DISCOVER, OFFER, REQUEST, ACK"
dhclient_in_ns -1
echo "dhclient's script was called with:"
last_event

step "The client namespace now has this address and these routes"
ip -n "$CLIENT_NS" -4 addr show dev veth-client
ip -n "$CLIENT_NS" route
echo "(the DNS servers are only recorded, /etc/resolv.conf is left alone)"

step "The server's lease file"
show_leases

step "Renewing: dhclient -v again (REQUEST for the lease it holds, ACK)"
sleep 1  # so the renewed lease's expiry is visibly later
# Stop the dhclient daemon the first run left behind (by its pid file; it
# keeps its lease), so the new run starts in INIT-REBOOT with that lease.
if [[ -s $SCRATCH/dhclient.pid ]]; then kill -TERM "$(cat "$SCRATCH/dhclient.pid")" 2>/dev/null || true; fi
sleep 0.5
dhclient_in_ns -1
last_event
show_leases

step "Releasing: dhclient -r (DHCPRELEASE)"
dhclient_in_ns -r
sleep 1
echo "client address after the release:"
ip -n "$CLIENT_NS" -4 -br addr show dev veth-client
show_leases
echo "(a row with valid_lifetime 0 is a deletion: the address is free again)"

step "shoal-dhcp4's log"
cat "$SCRATCH/shoal.log"

step "Done"
