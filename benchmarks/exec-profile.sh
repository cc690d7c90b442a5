#!/usr/bin/env bash
# Simulated exits per second of a one-VCPU profiling guest script under `spe-vm exec`
# (release build). The guest samples every 256 operations into a 4 KiB buffer and services it
# in DEN0154's order after every run of 20000 operations: four trapped writes per round, plus
# the PMBIRQ exit when the buffer fills.
#
# usage: benchmarks/exec-profile.sh [ROUNDS]   (default 20000)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
rounds=${1:-20000}
script=$(mktemp)
trap 'rm -f "$script"' EXIT
{
    echo "map 0x80000000 0x80001000"
    echo "write PMSCR_EL1 0x2b"
    echo "write PMSIRR_EL1 0x100"
    echo "write PMBPTR_EL1 0x80000000"
    echo "write PMBLIMITR_EL1 0x80001001"
    for ((i = 0; i < rounds; i++)); do
        echo "run 20000"
        echo "write PMBLIMITR_EL1 0x80001000"
        echo "write PMBSR_EL1 0"
        echo "write PMBPTR_EL1 0x80000000"
        echo "write PMBLIMITR_EL1 0x80001001"
    done
    echo "stats"
} >"$script"
swift build -c release --product spe-vm >/dev/null
start=$(date +%s.%N)
out=$(.build/release/spe-vm exec "$script")
end=$(date +%s.%N)
exits=$(sed -n 's/^exits.total=//p' <<<"$out")
records=$(sed -n 's/^records.written=//p' <<<"$out")
violated=$(sed -n 's/^invariants.violated=//p' <<<"$out")
python3 - "$start" "$end" "$exits" "$records" "$violated" <<'PY'
import sys
start, end, exits, records, violated = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
seconds = end - start
print(f"exits {exits}, records {records}, violations {violated}, {seconds:.3f} s wall, {exits/seconds:,.0f} exits/s")
PY
