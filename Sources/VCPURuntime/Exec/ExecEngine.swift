import HostIRQ
import SPEDevice
import Synchronization

/// What `spe-vm exec` printed and how it ended.
public struct ExecResult: Sendable {
    /// The lines printed, in order.
    public var output: [String]
    /// 0 when every `expect` held and no rule broke, 1 otherwise (2 is for script errors, before a run).
    public var exitStatus: Int32
    /// The rules broken, in CPU then event order.
    public var violations: [SPEViolation]
    /// Work that escaped the simulated platform.
    public var escapedJobs: Int
    /// The lane the simulated platform picked at each scheduling decision.
    public var decisions: [UInt16] = []
    /// Events the CPUs' checkers saw.
    public var eventsChecked: UInt64 = 0
}

/// Runs a ``GuestScript`` on the simulated platform: one VM, `vcpus` VCPU actors, `pcpus` physical
/// CPU actors, HostIRQ, and the SPE model with its checker. Consecutive guest actions of a VCPU run
/// in one guest period; the guest yields to the script (a `hypercall` exit) when the next line is
/// not one of its actions. Nothing printed depends on the wall clock.
public enum ExecEngine {
    /// Runs `script`. `writeFile` writes `dump` files (the tool writes them atomically).
    public static func run(
        _ script: GuestScript, writeFile: @escaping @Sendable (String, [UInt8]) throws -> Void
    ) throws(RuntimeError) -> ExecResult {
        let configuration = script.configuration
        let platform = SimulatedPlatform(cpus: configuration.pcpus, seed: configuration.seed)
        platform.recordDecisions(true)
        let distributor: Distributor
        var cpus: [PhysicalCPU] = []
        do {
            distributor = try Distributor(cpuCount: configuration.pcpus)
            for index in 0..<configuration.pcpus {
                cpus.append(try PhysicalCPU(index: index, platform: platform, distributor: distributor,
                    seed: configuration.seed, mutation: configuration.mutation, hostOperationsPerExit: configuration.hostWork))
            }
        } catch {
            preconditionFailure("HostIRQ refused the model's own configuration: \(error)")
        }
        let vm = SPEVM(index: 0, configuration: SPEVMConfiguration(hiddenFeatures: configuration.hidden),
            lockedMemoryLimit: configuration.memlockLimit)
        let environment = KVMEnvironment(vm: vm, mutation: configuration.mutation)
        var vcpus: [ExecVCPU] = []
        for index in 0..<configuration.vcpus {
            let id = VCPUID(vm: 0, index: index)
            var context = VCPUSPEContext(id: id)
            do {
                try context.spe.setIRQ(configuration.speIRQ, vcpu: id, vm: vm)
                try context.spe.setSPU(Array(0..<configuration.pcpus), cpuCount: configuration.pcpus, vcpu: id, vm: vm)
                try context.spe.setMaxBufferSize(configuration.maxBufferSize, vcpu: id, vm: vm)
                try context.spe.initialize(vcpu: id, vm: vm)
            } catch {
                throw .model(error)
            }
            let vgic: VirtualInterruptController
            do {
                vgic = try VirtualInterruptController(vcpu: VCPUIndex(index),
                    configuration: VirtualInterruptConfiguration(speINTID: INTID(configuration.speIRQ)),
                    distributor: distributor, clock: PlatformClock(platform))
            } catch {
                preconditionFailure("HostIRQ refused the model's own configuration: \(error)")
            }
            var guest = GuestState(workload: ScriptWorkload(),
                program: SyntheticProgram(seed: configuration.seed &+ UInt64(index) &* 0x9E37))
            guest.interruptsMasked = true
            vcpus.append(ExecVCPU(vcpu: VCPU(context: context, environment: environment), vgic: vgic, control: VCPUControl(),
                guest: guest))
        }
        let session = ExecSession(script: script, platform: platform, cpus: cpus, vcpus: vcpus, writeFile: writeFile)
        platform.spawn(on: 0) { await session.run() }
        let outcome = platform.run()
        var result = session.result
        if case .deadlock(let live) = outcome {
            result.output.append("deadlock: \(live) task(s) alive with nothing to run")
            result.exitStatus = 1
        }
        result.escapedJobs = platform.escapedJobs
        result.decisions = platform.decisions
        if result.escapedJobs > 0 {
            result.output.append("escaped: \(result.escapedJobs) job(s) ran off the simulated platform")
            result.exitStatus = 1
        }
        return result
    }
}

/// The script's driver inside the simulation: one task, walking the lines.
final class ExecSession: Sendable {
    let script: GuestScript
    let platform: SimulatedPlatform
    let cpus: [PhysicalCPU]
    let vcpus: [ExecVCPU]
    let writeFile: @Sendable (String, [UInt8]) throws -> Void
    private let state = Mutex(ExecResult(output: [], exitStatus: 0, violations: [], escapedJobs: 0))

    init(script: GuestScript, platform: SimulatedPlatform, cpus: [PhysicalCPU], vcpus: [ExecVCPU],
        writeFile: @escaping @Sendable (String, [UInt8]) throws -> Void)
    {
        self.script = script
        self.platform = platform
        self.cpus = cpus
        self.vcpus = vcpus
        self.writeFile = writeFile
    }

    var result: ExecResult { state.withLock { $0 } }

    private func print(_ line: String) { state.withLock { $0.output.append(line) } }

    private func fail(_ line: String) {
        state.withLock {
            $0.output.append(line)
            $0.exitStatus = 1
        }
    }

    func run() async {
        let configuration = script.configuration
        var placement = (0..<vcpus.count).map { $0 % cpus.count }
        var current = 0
        var lines = script.lines[...]
        var guests = vcpus.map(\.guest)
        while let (number, command) = lines.first {
            lines = lines.dropFirst()
            var lastLine = number
            let vcpu = vcpus[current].vcpu
            let cpu = cpus[placement[current]]
            switch command {
            case .config:
                continue
            case .vcpu(let n):
                current = n
            case .migrate(let n):
                placement[current] = n
                if await vcpu.cpu != nil { await place(current, on: cpus[n]) }
            case .write, .read, .expect, .run:
                // This line and the guest actions right after it run in one guest period.
                var batch: [(line: Int, command: ScriptCommand)] = [(number, command)]
                while let next = lines.first, next.command.isGuestAction {
                    batch.append(next)
                    lines = lines.dropFirst()
                }
                await place(current, on: cpu)
                let steps = batch.map { Self.step(for: $0.command) }
                let member = vcpus[current]
                let before = guests[current]
                guests[current] = await withTaskExecutorPreference(platform.taskExecutor(cpu: cpu.index)) {
                    await vcpu.run(steps, guest: before, vgic: member.vgic, control: member.control)
                }
                var results = (guests[current].workload as? ScriptWorkload)?.takeResults()[...] ?? []
                guests[current].workload = ScriptWorkload()
                for (line, command) in batch where command.isAccess {
                    guard let outcome = results.popFirst() else { break }
                    report(command, outcome, line: line)
                }
                lastLine = batch.last?.line ?? number
            case .map(let range):
                await vcpu.withContext { $0.memory.map(range) }
            case .unmap(let stage, let range):
                await vcpu.withContext { context in
                    if stage == .stage1 { context.memory.unmapStage1(range) } else { context.memory.unmapStage2(range) }
                }
            case .virq:
                let level = await vcpu.withContext { $0.spe.virtualLine }
                print("virq \(configuration.speIRQ) level=\(level ? 1 : 0)")
            case .expectVirq(let want):
                let level = await vcpu.withContext { $0.spe.virtualLine }
                if level != want {
                    fail("expect failed: line \(number): virq \(configuration.speIRQ) level=\(level ? 1 : 0) want \(want ? 1 : 0)")
                }
            case .records:
                for record in await records(current, on: cpu) { print(record.description) }
            case .dump(let file):
                let bytes = await vcpu.withContext { context -> [UInt8] in
                    context.spe.recordExtent.map { context.memory.read($0) } ?? []
                }
                do { try writeFile(file, bytes) } catch { fail("dump failed: line \(number): \(error)") }
            case .stats:
                for line in await statistics() { print(line) }
            case .hostPerf(let on):
                await cpu.setHostSession(on)
            }
            // A violation stops the script at the line that showed it.
            if await brokenRules() {
                if !lines.isEmpty { print("stopped after line \(lastLine): a rule broke") }
                break
            }
        }
        var lastEvents: [SPEEvent] = []
        for cpu in cpus {
            let device = await cpu.device
            state.withLock { $0.eventsChecked += device.checker.eventsChecked }
            for violation in device.checker.violations {
                fail("violation: \(violation)")
                state.withLock { $0.violations.append(violation) }
            }
            if lastEvents.isEmpty && !device.checker.violations.isEmpty { lastEvents = device.recentEvents }
        }
        if let first = result.violations.first {
            let report = ViolationReport(violation: first.description, recentEvents: lastEvents, seed: configuration.seed)
            for line in report.lines(replay: "the same script replays this run exactly").dropFirst() { print(line) }
        }
    }

    /// Whether any CPU's checker has seen a broken rule.
    private func brokenRules() async -> Bool {
        for cpu in cpus where await !cpu.device.checker.violations.isEmpty { return true }
        return false
    }

    /// Loads VCPU `v` on `cpu`, putting whatever VCPU holds that CPU first.
    private func place(_ v: Int, on cpu: PhysicalCPU) async {
        if let holder = await cpu.loadedVCPU, holder.index != v { await vcpus[holder.index].vcpu.unload() }
        do {
            try await vcpus[v].vcpu.place(on: cpu)
        } catch {
            fail("load refused: \(error)")
        }
    }

    private static func step(for command: ScriptCommand) -> GuestStep {
        switch command {
        case .write(let register, let value): .access(register, write: value)
        case .read(let register), .expect(let register, _, _): .access(register, write: nil)
        case .run(let count): .operations(count)
        default: preconditionFailure("\(command) is not a guest action")
        }
    }

    private func report(_ command: ScriptCommand, _ outcome: GuestActionResult, line: Int) {
        switch (command, outcome) {
        case (.read(let register), .read(let value)):
            print("\(register.name)=\(hex64(value))")
        case (.read(let register), .undefined):
            print("\(register.name)=undefined")
        case (.expect(let register, let want, let mask), _):
            let value: UInt64? = if case .read(let v) = outcome { v } else { nil }
            guard let value else {
                fail("expect failed: line \(line): \(register.name) is undefined for this guest")
                return
            }
            if value & mask != want & mask {
                fail("expect failed: line \(line): \(register.name)=\(hex64(value)) want \(hex64(want)) mask \(hex64(mask))")
            }
        case (.write(let register, _), .undefined):
            print("\(register.name): write undefined")
        default:
            break
        }
    }

    private func records(_ v: Int, on cpu: PhysicalCPU) async -> [DecodedRecord] {
        let vcpu = vcpus[v].vcpu
        guard let extent = await vcpu.withContext({ $0.spe.recordExtent }) else { return [] }
        let (start, end) = (extent.lowerBound, extent.upperBound)
        let decoded: Result<[DecodedRecord], SPEDeviceError>
        if await vcpu.cpu === cpu {
            decoded = await cpu.consumeRecords(from: start, to: end)
        } else {
            decoded = await vcpu.withContext { context in
                Result { () throws(SPEDeviceError) in
                    try RecordDecoder.decode(context.memory.read(start..<end), maxSize: 64, allowTruncatedTail: true)
                }
            }
        }
        switch decoded {
        case .success(let records): return records
        case .failure(let error):
            fail("records: \(error)")
            return []
        }
    }

    private func statistics() async -> [String] {
        var exits = ExitCounts()
        var unit = SPEUnitCounters()
        var checked: UInt64 = 0
        var violated = 0
        for cpu in cpus {
            exits.add(await cpu.exits)
            let device = await cpu.device
            unit.add(device.unit.counters)
            checked += device.checker.eventsChecked
            violated += device.checker.violations.count
        }
        var spe = VCPUSPECounters()
        for member in vcpus { spe.add(await member.vcpu.withContext { $0.spe.counters }) }
        var lines = ["exits.total=\(exits.total)"]
        for reason in ExitReason.allCases { lines.append("exits.\(reason.rawValue)=\(exits[reason])") }
        lines.append("records.written=\(unit.written)")
        lines.append("records.dropped=\(unit.droppedTotal)")
        for reason in DropReason.allCases { lines.append("records.dropped.\(reason.rawValue)=\(unit.dropped[reason] ?? 0)") }
        lines += [
            "events.management=\(spe.managementEvents)", "pins=\(spe.pins)", "bytes.pinned=\(spe.bytesPinned)",
            "unpins=\(spe.unpins)", "time.pinning=\(spe.pinNanoseconds)", "traps.read=\(spe.trappedReads)",
            "traps.write=\(spe.trappedWrites)", "driver.order-violations=\(spe.driverOrderViolations)",
            "syndrome.lost-bits=\(spe.lostSyndromeBits)", "hidden-feature.in-use=\(spe.hiddenFeatureInUse)",
            "stage2.warnings=\(spe.stage2Warnings)", "time.now=\(platform.now())",
            "invariants.checked=\(checked)", "invariants.violated=\(violated)",
        ]
        return lines
    }
}

/// One of exec's VCPUs: the actor, its virtual interface, its control, and its guest between lines.
struct ExecVCPU: Sendable {
    let vcpu: VCPU
    let vgic: VirtualInterruptController
    let control: VCPUControl
    let guest: GuestState
}

/// Exec's guest: the script is its driver, so it only records what its accesses came to.
struct ScriptWorkload: GuestWorkload {
    private var results: [GuestActionResult] = []

    mutating func nextSteps(now: UInt64) -> [GuestStep] { [] }
    mutating func handle(interrupt intid: UInt32, now: UInt64) -> [GuestStep] { [] }

    mutating func completed(_ register: SPERegisterID, _ result: GuestActionResult) -> [GuestStep] {
        results.append(result)
        return []
    }

    /// The results so far, in order.
    func takeResults() -> [GuestActionResult] { results }
}

extension ScriptCommand {
    /// Whether the command is a register access of the guest (it has a result).
    var isAccess: Bool {
        switch self {
        case .write, .read, .expect: true
        default: false
        }
    }
}
