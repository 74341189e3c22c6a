#!/usr/bin/env bash
# Installs every Debian 12 package shoal needs to build, test and benchmark.
# Idempotent: packages already present are skipped by apt.
set -euo pipefail

PACKAGES=(
  # toolchain
  build-essential cmake ninja-build ccache pkg-config clang libclang-rt-14-dev
  # libraries
  libboost-dev libboost-system-dev libboost-context-dev nlohmann-json3-dev libabsl-dev
  libmysqlcppconn-dev libpq-dev libspdlog-dev libfmt-dev libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev libssl-dev
  libgoogle-perftools-dev  # tcmalloc for shoal-dhcp4 (SHOAL_TCMALLOC)
  # database servers for tests and demos (started by scripts/db.sh, not as services)
  mariadb-server mariadb-client postgresql postgresql-client
  # Kea 2.2: the baseline for benchmarks and compatibility tests
  kea-dhcp4-server kea-admin kea-common kea-ctrl-agent kea-doc
  # real DHCP clients and namespaces for end-to-end tests
  isc-dhcp-client udhcpc iproute2 procps psmisc python3
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all packages present"
  exit 0
fi

SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO=sudo; fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Do not let package installation start database or DHCP services: tests start
# their own servers in a scratch directory.
policy_created=0
if [[ ! -e /usr/sbin/policy-rc.d ]]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d
  policy_created=1
fi
trap '[[ $policy_created == 1 ]] && $SUDO rm -f /usr/sbin/policy-rc.d' EXIT
$SUDO apt-get update -qq || true
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
