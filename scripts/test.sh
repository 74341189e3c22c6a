#!/usr/bin/env bash
# Runs every test: installs what is missing (apt), builds in build/, starts
# MariaDB and PostgreSQL on loopback in a scratch directory, runs ctest
# (labels unit, mysql, postgresql, e2e) and tears the databases down.
#
#   scripts/test.sh              # everything
#   scripts/test.sh -L unit      # extra arguments go to ctest
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
scripts/build.sh

scripts/db.sh start
trap 'scripts/db.sh stop >/dev/null 2>&1 || true' EXIT
# shellcheck disable=SC1090
source <(scripts/db.sh env)

ctest --test-dir build --output-on-failure --timeout 900 -j2 "$@"
