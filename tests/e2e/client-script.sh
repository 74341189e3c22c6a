#!/bin/sh
# Client script for dhclient (-sf) and udhcpc (-s) in shoal's end-to-end tests
# and demo. Usage: client-script.sh RECORD_FILE [udhcpc-event]
#
# It appends the event and every environment variable the client passed to
# RECORD_FILE (a block starting "=== event NAME"), then configures the address
# and default route on $interface - inside the client's network namespace
# only. It never touches /etc/resolv.conf.
#
# dhclient passes $reason (PREINIT, BOUND, RENEW, REBIND, REBOOT, EXPIRE, FAIL,
# RELEASE, STOP, ...) and new_*/old_* variables; udhcpc passes the event as $1
# (deconfig, bound, renew, nak, leasefail) and ip, subnet, router, dns, lease.
# The client sets $interface, $reason, new_*, ip, subnet, router ...
# shellcheck disable=SC2154
record=$1
shift
event=${reason:-${1:-unknown}}

{
  echo "=== event $event"
  env | LC_ALL=C sort
} >"$record.tmp.$$"
cat "$record.tmp.$$" >>"$record"
rm -f "$record.tmp.$$"

# shellcheck disable=SC2086 # split a space-separated list on purpose
first_word() { set -- $1; echo "${1:-}"; }

case $event in
  PREINIT)
    ip link set dev "$interface" up
    ;;
  BOUND | RENEW | REBIND | REBOOT)
    if [ -n "${old_ip_address:-}" ] && [ "$old_ip_address" != "$new_ip_address" ]; then
      ip -4 addr flush dev "$interface"
    fi
    ip addr replace "$new_ip_address/${new_subnet_mask:-255.255.255.0}" dev "$interface"
    router=$(first_word "${new_routers:-}")
    if [ -n "$router" ]; then ip route replace default via "$router" dev "$interface"; fi
    ;;
  EXPIRE | FAIL | RELEASE | STOP)
    ip -4 addr flush dev "$interface"
    ;;
  deconfig)
    ip link set dev "$interface" up
    ip -4 addr flush dev "$interface"
    ;;
  bound | renew)
    ip addr replace "$ip/${subnet:-255.255.255.0}" dev "$interface"
    router=$(first_word "${router:-}")
    if [ -n "$router" ]; then ip route replace default via "$router" dev "$interface"; fi
    ;;
esac
exit 0
