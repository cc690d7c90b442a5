#!/usr/bin/env bash
# The model's live `timer` latency against cyclictest's, on the same machine, with the same
# measures (issue 7's target: spe-vm's p99 within 2x cyclictest's). Each run starts cyclictest,
# then `spe-vm latency --platform live`, one after the other, and prints both p99s and their ratio.
# spe-vm's figures are the model's latencies on this host, not KVM's.
#
# The measures, the same on both sides:
#   cyclictest -t T -p P -m -i I -l L          spe-vm latency --pcpus T --vcpus T --vms T
#     (holds /dev/cpu_dma_latency at 0           --priority P --mlock --pm-qos --interval Ius
#      unless told otherwise)                     --loops L --migrate-every off --platform live
# One cyclictest thread per physical CPU thread of the model, each model CPU running one VCPU
# (no migrator); neither side pins its threads to cores. With -p 0 neither takes a real-time
# priority (cyclictest runs SCHED_OTHER, spe-vm gets no --priority).
#
# cyclictest's percentiles come from its histogram in nanoseconds (-N -h 1000000: 1 ns buckets
# up to 1 ms, written to a scratch file, read from its --json output); samples past 1 ms are
# counted as overflows, and a percentile that falls among them is printed as ">1000 us". spe-vm's
# come from its --json (its histogram's buckets are at most 1/32 of their values wide, and a
# percentile is the top of its bucket: at most 3.2 % above the value of its rank).
#
# Needs Debian's rt-tests (apt-get install rt-tests), the release build (swift build -c release),
# python3, and root or CAP_SYS_NICE / CAP_IPC_LOCK for the measures. The machine's load matters:
# each run prints the 1-minute load average it started at.
set -euo pipefail

usage() {
    cat <<'EOF'
usage: benchmarks/cyclictest-compare.sh [-r RUNS] [-t THREADS] [-l LOOPS] [-i INTERVAL_US] [-p PRIORITY] [-k] [-h]

Runs cyclictest and spe-vm latency --platform live one after the other, RUNS times, with the
same measures, and prints each side's p50 / p90 / p99 / p99.9 / max in microseconds, and the
ratio of the p99s (spe-vm's timer p99 / cyclictest's p99; issue 7's target: at most 2).

  -r RUNS         runs of each, interleaved (default 3)
  -t THREADS      cyclictest threads = the model's physical CPUs = its VCPUs (default: online cores)
  -l LOOPS        samples per thread / timer interrupts per VCPU (default 2000)
  -i INTERVAL_US  the timer period in microseconds (default 1000)
  -p PRIORITY     SCHED_FIFO priority of both (default 80; 0: no real-time priority)
  -k              keep each run's JSON (cyclictest's and spe-vm's) in ./cyclictest-compare.<time>/
  -h              show this help

Environment: SPE_VM (default .build/release/spe-vm), CYCLICTEST (default: cyclictest on PATH).
Exit status: 0 all runs done; 1 a run failed; 2 bad flags, or cyclictest or the release build missing.
EOF
}

die() {
    echo "cyclictest-compare: $1" >&2
    exit 2
}

runs=3
threads=$(getconf _NPROCESSORS_ONLN)
loops=2000
interval=1000
priority=80
keep=0
positive='^[1-9][0-9]*$'
while getopts ':r:t:l:i:p:kh' flag; do
    case $flag in
    r) [[ $OPTARG =~ $positive ]] || die "-r takes a whole number of runs from 1, got '$OPTARG'"; runs=$OPTARG ;;
    t) [[ $OPTARG =~ $positive ]] || die "-t takes a whole number of threads from 1, got '$OPTARG'"; threads=$OPTARG ;;
    l) [[ $OPTARG =~ $positive ]] || die "-l takes a whole number of loops from 1, got '$OPTARG'"; loops=$OPTARG ;;
    i) [[ $OPTARG =~ $positive ]] || die "-i takes an interval in whole microseconds from 1, got '$OPTARG'"; interval=$OPTARG ;;
    p) [[ $OPTARG =~ ^[0-9]+$ ]] && ((OPTARG <= 99)) || die "-p takes a priority from 0 (none) to 99, got '$OPTARG'"; priority=$OPTARG ;;
    k) keep=1 ;;
    h) usage; exit 0 ;;
    :) die "-$OPTARG needs a value (-h for help)" ;;
    *) die "unknown flag -$OPTARG (-h for help)" ;;
    esac
done
shift $((OPTIND - 1))
(($# == 0)) || die "unexpected argument '$1' (-h for help)"

cd "$(dirname "${BASH_SOURCE[0]}")/.."
spe_vm=${SPE_VM:-.build/release/spe-vm}
cyclictest=${CYCLICTEST:-$(command -v cyclictest || true)}
[[ -n $cyclictest && -x $cyclictest ]] ||
    die "cyclictest not found: install Debian's rt-tests (apt-get install rt-tests) or set CYCLICTEST"
[[ -x $spe_vm ]] || die "no release build at $spe_vm: run 'swift build -c release' first (or set SPE_VM)"
command -v python3 >/dev/null || die "python3 not found: it reads both sides' JSON"

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
if ((keep)); then
    keep_dir=cyclictest-compare.$(date +%Y%m%dT%H%M%S)
    mkdir -p "$keep_dir"
fi

cyclictest_command=("$cyclictest" -t "$threads" -i "$interval" -l "$loops" -m -N -h 1000000 -q
    --histfile="$scratch/histogram.txt" --json="$scratch/cyclictest.json")
spe_command=("$spe_vm" latency --platform live --pcpus "$threads" --vcpus "$threads" --vms "$threads"
    --migrate-every off --loops "$loops" --interval "${interval}us" --mlock --pm-qos --json)
if ((priority > 0)); then
    cyclictest_command+=(-p "$priority")
    spe_command+=(--priority "$priority")
fi

echo "# $("$cyclictest" --help 2>&1 | head -1 || true); $("$spe_vm" --version)"
echo "# $(uname -srm), $(getconf _NPROCESSORS_ONLN) online cores, running as $(id -un)"
echo "# cyclictest: ${cyclictest_command[*]}"
echo "# spe-vm:     ${spe_command[*]}"
echo "# latencies in us; spe-vm's are the model's on this host, not KVM's"
printf '%-4s %-6s | %-42s | %-42s | %s\n' run load "cyclictest p50 / p90 / p99 / p99.9 / max" "spe-vm timer p50 / p90 / p99 / p99.9 / max" "p99 ratio"

status=0
for ((run = 1; run <= runs; run++)); do
    load=$(cut -d' ' -f1 /proc/loadavg)
    if ! "${cyclictest_command[@]}" >"$scratch/cyclictest.out" 2>&1; then
        echo "cyclictest-compare: run $run: cyclictest failed:" >&2
        cat "$scratch/cyclictest.out" >&2
        status=1
        break
    fi
    # spe-vm exits 1 when a rule broke or the run did not end cleanly: its JSON says which.
    spe_status=0
    "${spe_command[@]}" >"$scratch/spe-vm.json" 2>"$scratch/spe-vm.err" || spe_status=$?
    if ((spe_status == 2)) || [[ ! -s $scratch/spe-vm.json ]]; then
        echo "cyclictest-compare: run $run: spe-vm failed (exit $spe_status):" >&2
        cat "$scratch/spe-vm.err" >&2
        status=1
        break
    fi
    ((spe_status == 0)) || status=1
    if ((keep)); then
        cp "$scratch/cyclictest.json" "$keep_dir/cyclictest-$run.json"
        cp "$scratch/spe-vm.json" "$keep_dir/spe-vm-$run.json"
    fi
    python3 - "$run" "$load" "$scratch/cyclictest.json" "$scratch/spe-vm.json" "$scratch/cyclictest.out" <<'PY'
import json, sys

run, load, cyclictest_path, spe_path, cyclictest_out = sys.argv[1:]
BOUND_NS = 1_000_000  # -N -h 1000000: 1 ns buckets up to 1 ms
KEYS = [("p50", 50), ("p90", 90), ("p99", 99), ("p99.9", 99.9), ("p99.99", 99.99)]


def rank(percent, count):
    """The 1-based rank of the value at percent among count values: the smallest r with
    r / count >= percent / 100, in integers (as spe-vm ranks them)."""
    millionths = round(percent * 10_000)
    return max(1, min(count, -(-count * millionths // 1_000_000)))


def cyclictest_figures(path):
    data = json.load(open(path))
    counts = {}
    samples = overflows = 0
    maximum = 0
    for thread in data["thread"].values():
        histogram = {int(k): v for k, v in thread["histogram"].items()}
        for value, n in histogram.items():
            counts[value] = counts.get(value, 0) + n
        in_histogram = sum(histogram.values())
        samples += thread["cycles"]
        overflows += thread["cycles"] - in_histogram
        maximum = max(maximum, thread["max"])
    figures = {}
    ordered = sorted(counts.items())
    for key, percent in KEYS:
        wanted, seen, value = rank(percent, samples), 0, None
        for bucket, n in ordered:
            seen += n
            if seen >= wanted:
                value = bucket
                break
        figures[key] = value  # None: among the overflows, past BOUND_NS
    figures["max"] = maximum
    return figures, samples, overflows


def us(ns):
    return f">{BOUND_NS / 1000:.0f}" if ns is None else f"{ns / 1000:.1f}"


c, c_samples, c_overflows = cyclictest_figures(cyclictest_path)
spe = json.load(open(spe_path))
timer = spe["latency_ns"]["timer"]
s = {key: timer[key] for key, _ in KEYS} | {"max": timer["max"]}
ratio = "n/a" if c["p99"] is None else f"{s['p99'] / c['p99']:.2f}x"
row = lambda f: " / ".join(us(f[k]) for k in ["p50", "p90", "p99", "p99.9", "max"])
print(f"{run:<4} {load:<6} | {row(c):<42} | {row(s):<42} | {ratio}")
measures = spe["measures"]
state = lambda m: m["state"] + (f" ({m['why']})" if "why" in m else "")
qos = "held at 0" if "/dev/cpu_dma_latency set to 0us" in open(cyclictest_out).read() else "NOT held"
print(f"     cyclictest: {c_samples} samples, {c_overflows} past 1 ms, cpu_dma_latency {qos}; "
      f"spe-vm: {timer['count']} samples, ended: {spe['ended']}, clean: {spe['clean']}; "
      f"priority {state(measures['priority'])}, mlock {state(measures['mlock'])}, pm_qos {state(measures['pm_qos'])}")
PY
done
((keep)) && echo "# JSON kept in $keep_dir/"
exit $status
