import VCPURuntime

/// The flags of `spe-vm latency`: every flag of `spe-vm run` (read by the same option kinds, laid
/// over a scenario file the same way), with the defaults a latency run needs, and its own.
enum LatencyOptions {
    static let interval = OptionSpec(
        name: "interval", kind: .duration(off: false), placeholder: "D",
        defaultValue: DurationText.format(LatencyDefaults.interval),
        help: "the guests' virtual timer period (cyclictest's -i)")
    static let loops = OptionSpec(
        name: "loops", kind: .number(1...UInt64(Int32.max)), placeholder: "N",
        defaultValue: "\(LatencyDefaults.loops) unless --duration or --exits is given",
        help: "timer interrupts per VCPU: the run ends when every VCPU has taken N (cyclictest's -l)")
    static let histogram = OptionSpec(
        name: "histogram", kind: .number(1...UInt64(LinearBuckets.maximumBound)), placeholder: "US",
        defaultValue: nil,
        help: "also print cyclictest's -h histogram of the timer latency: 1 us buckets up to US, and overflows")
    /// `spe-vm run`'s flags with the defaults that change for a latency run.
    static let runFlags: [OptionSpec] = RunOptions.flags.map { spec in
        switch spec.name {
        case RunOptions.workload.name:
            OptionSpec(name: spec.name, kind: spec.kind, placeholder: spec.placeholder,
                defaultValue: LatencyDefaults.workload.rawValue, help: spec.help)
        case RunOptions.duration.name:
            OptionSpec(name: spec.name, kind: spec.kind, placeholder: spec.placeholder, defaultValue: "none",
                help: "end the run after D of platform time (with --loops: whichever comes first)")
        case RunOptions.exits.name:
            OptionSpec(name: spec.name, kind: spec.kind, placeholder: spec.placeholder, defaultValue: "none",
                help: spec.help)
        default:
            spec
        }
    }

    /// Every flag of `spe-vm latency`, in the order `--help` lists them: the run's, then its own.
    static let flags: [OptionSpec] = runFlags + [interval, loops, histogram] + MeasureOptions.flags + [LatencyPlot.option] + TraceOptions.flags
}

/// The defaults of `spe-vm latency` that differ from `spe-vm run`'s (``RunDefaults``).
enum LatencyDefaults {
    /// cyclictest's default interval.
    static let interval: UInt64 = 1_000_000
    /// Timer interrupts per VCPU when no budget is given: a second of 1 ms ticks on live.
    static let loops = 1_000
    /// The guest whose timer latency is cyclictest's number.
    static let workload = WorkloadKind.idle
    /// A run bounded by its loops still gets a duration, in case its guests never finish (a
    /// broken model): ten times the loops' worth of intervals, and at least 10 s.
    static func cap(loops: Int, interval: UInt64) -> UInt64 {
        let (product, overflow) = UInt64(loops).multipliedReportingOverflow(by: interval)
        let (ten, overflow10) = product.multipliedReportingOverflow(by: 10)
        return overflow || overflow10 ? UInt64.max / 2 : max(ten, 10_000_000_000)
    }
}
