#!/bin/sh
# shoal-dhcp4 against kea-dhcp4 on memfile, same run: see docs/benchmarks.md.
# Usage: bench/memfile_vs_kea.sh [BUILD_DIR] [dhcp_bench.py options]
# (BUILD_DIR defaults to build/; --help lists the options).
exec python3 "$(dirname "$0")/dhcp_bench.py" "$@"
