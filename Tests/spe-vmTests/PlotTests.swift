import Foundation
import Testing
import VCPURuntime

#if canImport(FoundationXML)
import FoundationXML
#endif

@testable import spe_vm

/// An element of an XML document read back with Foundation's `XMLParser`: its name, attributes,
/// text and children.
final class XMLElementNode {
    let name: String
    let attributes: [String: String]
    var text = ""
    var children: [XMLElementNode] = []

    init(name: String, attributes: [String: String]) {
        self.name = name
        self.attributes = attributes
    }

    subscript(attribute: String) -> String? { attributes[attribute] }

    /// This element and every element under it, in document order.
    var all: [XMLElementNode] { [self] + children.flatMap(\.all) }

    /// The elements under this one (itself included) whose `class` is `name`.
    func elements(class name: String) -> [XMLElementNode] { all.filter { $0["class"] == name } }

    /// Its text and its descendants', in document order.
    var allText: String { text + children.map(\.allText).joined() }

    func number(_ attribute: String) -> Double? { attributes[attribute].flatMap(Double.init) }
    func integer(_ attribute: String) -> UInt64? { attributes[attribute].flatMap { UInt64($0) } }
}

/// Reads an XML document into ``XMLElementNode``s; a document that is not well-formed XML is an
/// error.
final class XMLTreeReader: NSObject, XMLParserDelegate {
    struct Malformed: Error, CustomStringConvertible {
        let description: String
    }

    private var stack: [XMLElementNode] = []
    private var root: XMLElementNode?

    static func parse(_ data: Data) throws -> XMLElementNode {
        let reader = XMLTreeReader()
        let parser = XMLParser(data: data)
        parser.delegate = reader
        let parsed = parser.parse()
        // swift-corelibs-foundation's parser runs libxml2 in recovery mode, so parse() can return
        // true for a broken document: an error reported to the delegate counts as well.
        if let error = reader.error ?? (parsed ? nil : parser.parserError) {
            throw Malformed(description: "not well-formed XML: \(error)")
        }
        guard let root = reader.root else { throw Malformed(description: "not well-formed XML: no root element") }
        return root
    }

    private var error: Error?

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) {
        if error == nil { error = parseError }
    }

    func parser(_ parser: XMLParser, validationErrorOccurred validationError: Error) {
        if error == nil { error = validationError }
    }

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String]
    ) {
        let element = XMLElementNode(name: elementName, attributes: attributes)
        stack.last?.children.append(element)
        if root == nil { root = element }
        stack.append(element)
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        stack.removeLast()
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        stack.last?.text += string
    }
}

/// `--plot FILE.svg` on `latency`, `run` and `replay`: the figure parsed back as XML, its series
/// checked against the run's JSON figures (exactly, on the simulated platform), the bad paths, and
/// the atomic writer under it.
@Suite("plot", .serialized)
struct PlotTests {
    /// Runs `spe-vm arguments --plot DIR/NAME` in a scratch directory: the result, and the figure
    /// read back (nil when no file was written).
    static func plotted(_ arguments: [String], name: String = "plot.svg") throws -> (ToolResult, XMLElementNode?, ScratchDirectory) {
        let scratch = try ScratchDirectory()
        let path = scratch.path(name)
        let result = try ToolProcess.run(arguments + ["--plot", path])
        guard FileManager.default.fileExists(atPath: path) else { return (result, nil, scratch) }
        return (result, try XMLTreeReader.parse(try Data(contentsOf: URL(fileURLWithPath: path))), scratch)
    }

    /// The kinds in report order.
    static let allKinds = ["wakeup", "timer", "kick", "runqueue", "exit", "exit-spe", "exit-rest", "spe-irq"]

    /// Checks a figure's series against the run's figures by kind (`latency_ns` of `spe-vm latency
    /// --json`): one series per kind recorded, in report order, each with the run's count, min and
    /// max; its bars are its buckets (disjoint, in order, counting every sample); its markers are
    /// the run's percentiles, each drawn inside the bar of the bucket that holds its value.
    static func checkSeries(_ svg: XMLElementNode, against kinds: [String: [String: Any]]) throws {
        let series = svg.elements(class: "series")
        #expect(series.map { $0["data-kind"] } == allKinds.filter { kinds[$0] != nil })
        #expect(series.map { $0["id"] } == series.map { "series-\($0["data-kind"]!)" })
        #expect(svg.elements(class: "legend-entry").map { $0["data-kind"] } == series.map { $0["data-kind"] })
        for element in series {
            let kind = try #require(element["data-kind"])
            let figures = try #require(kinds[kind])
            #expect(element.integer("data-count") == UInt64(figures["count"] as! Int), "\(kind)")
            #expect(element.integer("data-min-ns") == UInt64(figures["min"] as! Int), "\(kind)")
            #expect(element.integer("data-max-ns") == UInt64(figures["max"] as! Int), "\(kind)")
            let buckets = element.elements(class: "bucket")
            let ranges = try buckets.map { try #require($0.integer("data-low-ns"))...(try #require($0.integer("data-high-ns"))) }
            #expect(buckets.map { $0.integer("data-count") ?? 0 }.reduce(0, +) == element.integer("data-count"), "\(kind)")
            #expect(zip(ranges, ranges.dropFirst()).allSatisfy { $0.upperBound < $1.lowerBound }, "\(kind): buckets out of order")
            #expect(ranges.first?.contains(element.integer("data-min-ns")!) == true, "\(kind)")
            #expect(ranges.last?.contains(element.integer("data-max-ns")!) == true, "\(kind)")
            let markers = element.elements(class: "percentile")
            #expect(markers.map { $0["data-key"] } == ["p50", "p90", "p99", "p99.9", "p99.99"], "\(kind)")
            for marker in markers {
                let key = try #require(marker["data-key"])
                let value = try #require(marker.integer("data-value-ns"))
                #expect(value == UInt64(figures[key] as! Int), "\(kind) \(key)")
                let line = try #require(marker.children.first { $0.name == "line" })
                let x = try #require(line.number("x1"))
                #expect(line.number("x2") == x)
                #expect(marker.allText == key)
                let index = try #require(ranges.firstIndex { $0.contains(value) }, "\(kind) \(key): no bucket holds \(value)")
                let bar = buckets[index]
                let left = try #require(bar.number("x"))
                let width = try #require(bar.number("width"))
                #expect(left <= x && x <= left + width, "\(kind) \(key): marker at \(x) outside its bar \(left)...\(left + width)")
            }
        }
    }

    @Test("the check rejects what is not well-formed XML")
    func malformedIsRejected() {
        #expect(throws: XMLTreeReader.Malformed.self) { try XMLTreeReader.parse(Data("<svg><text>a & b</text></svg>".utf8)) }
        #expect(throws: XMLTreeReader.Malformed.self) { try XMLTreeReader.parse(Data("<svg><g></svg>".utf8)) }
        #expect(throws: XMLTreeReader.Malformed.self) { try XMLTreeReader.parse(Data("<svg a=\"\"\"/>".utf8)) }
        #expect(throws: XMLTreeReader.Malformed.self) { try XMLTreeReader.parse(Data()) }
    }

    @Test("latency --plot: an SVG with a series per kind recorded, its buckets and percentiles those of --json")
    func latencyPlot() throws {
        let arguments = ["latency", "--platform", "sim", "--vcpus", "4", "--pcpus", "2", "--loops", "50", "--workload", "mixed"]
        let (result, figure, scratch) = try Self.plotted(arguments + ["--json"])
        defer { scratch.cleanUp() }
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr == "")
        let svg = try #require(figure)
        #expect(svg.name == "svg")
        #expect(svg["xmlns"] == "http://www.w3.org/2000/svg")
        #expect(svg["data-platform"] == "sim")
        #expect(svg.children.first { $0.name == "title" }?.text.contains("the model's latencies on this host, not KVM's") == true)
        #expect(svg.elements(class: "caption").contains { $0.text.hasPrefix("platform sim, virtual time · 4 VCPUs in 2 VMs on 2 physical CPUs") })
        // Self-contained: nothing refers outside the file.
        #expect(!svg.all.contains { $0.name == "script" || $0.name == "style" || $0.name == "image" || $0.name == "use" })
        #expect(!svg.all.contains { $0.attributes.keys.contains { $0.hasSuffix("href") } })
        let json = try ToolProcess.jsonObject(result.stdout)
        let kinds = try #require(json["latency_ns"] as? [String: [String: Any]])
        #expect(kinds.count == 7)
        try Self.checkSeries(svg, against: kinds)
        #expect(svg.elements(class: "note").map(\.text) == ["not drawn, no samples: kick"])
        // The simulated platform's exact costs: every exit 500 ns (100 of SPE's world switch, 400
        // the rest) and every SPE management event seen 1 µs later, one bucket each, its
        // percentiles all that value.
        let exact: [String: (bucket: ClosedRange<UInt64>, value: UInt64)] = [
            "exit": (496...503, 500), "exit-spe": (100...101, 100), "exit-rest": (400...407, 400), "spe-irq": (992...1007, 1000),
        ]
        for (kind, expected) in exact {
            let series = try #require(svg.all.first { $0["id"] == "series-\(kind)" })
            let buckets = series.elements(class: "bucket")
            #expect(buckets.map { $0.integer("data-low-ns")!...$0.integer("data-high-ns")! } == [expected.bucket], "\(kind)")
            #expect(buckets.first?.integer("data-count") == series.integer("data-count"), "\(kind)")
            #expect(series.elements(class: "percentile").map { $0.integer("data-value-ns") } == Array(repeating: expected.value, count: 5))
        }
    }

    /// One idle VCPU alone on one CPU: every latency it records is exactly 0 (LatencyKindTests),
    /// so each series is one bar at 0 and every marker sits in it, on a latency axis starting at 0.
    @Test("sim: a lone idle VCPU's figure is exact: three series of one bucket at 0 ns")
    func exactFigure() throws {
        let (result, figure, scratch) = try Self.plotted(
            ["latency", "--platform", "sim", "--vcpus", "1", "--pcpus", "1", "--loops", "10", "--interval", "100us"])
        defer { scratch.cleanUp() }
        #expect(result.status == 0)
        let svg = try #require(figure)
        let series = svg.elements(class: "series")
        #expect(series.map { $0["data-kind"] } == ["wakeup", "timer", "runqueue"])
        #expect(series.map { $0.integer("data-count") } == [10, 10, 11])
        for element in series {
            let buckets = element.elements(class: "bucket")
            #expect(buckets.count == 1)
            let bucket = try #require(buckets.first)
            #expect([bucket["data-low-ns"], bucket["data-high-ns"], bucket["data-count"]] == ["0", "0", element["data-count"]])
            #expect(element.elements(class: "percentile").map { $0["data-value-ns"] } == Array(repeating: "0", count: 5))
            // The axis starts at 0 ns: its first labelled tick, at the plot's left edge, where the bar starts.
            #expect(element.elements(class: "x-tick").first?.text == "0")
            #expect(element.elements(class: "x-tick").first?.number("x") == LatencyPlot.plotLeft)
            #expect(buckets.first?.number("x") == LatencyPlot.plotLeft)
        }
        #expect(svg.elements(class: "note").map(\.text) == ["not drawn, no samples: kick, exit, exit-spe, exit-rest, spe-irq"])
    }

    @Test("sim: the same flags and seed give the same figure, byte for byte")
    func deterministic() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        let arguments = ["latency", "--platform", "sim", "--vcpus", "3", "--pcpus", "2", "--loops", "20", "--workload", "mixed"]
        for name in ["a.svg", "b.svg"] { _ = try ToolProcess.run(arguments + ["--plot", scratch.path(name)]) }
        let a = try Data(contentsOf: URL(fileURLWithPath: scratch.path("a.svg")))
        let b = try Data(contentsOf: URL(fileURLWithPath: scratch.path("b.svg")))
        // Only the command caption names the file.
        #expect(String(decoding: a, as: UTF8.self).replacingOccurrences(of: "a.svg", with: "b.svg") == String(decoding: b, as: UTF8.self))
    }

    @Test("run --plot draws the run's latencies; its runqueue series is the report's scheduling latency")
    func runPlot() throws {
        let (result, figure, scratch) = try Self.plotted(
            ["run", "--platform", "sim", "--exits", "3000", "--vcpus", "2", "--vms", "1", "--workload", "mixed", "--json"])
        defer { scratch.cleanUp() }
        #expect(result.status == 0, "\(result.stderr)")
        let svg = try #require(figure)
        let json = try ToolProcess.jsonObject(result.stdout)
        let scheduling = try #require(json["latency_ns"] as? [String: Any])
        let runqueue = try #require(svg.all.first { $0["id"] == "series-runqueue" })
        #expect(runqueue.integer("data-count") == UInt64(scheduling["count"] as! Int))
        #expect(runqueue.integer("data-max-ns") == UInt64(scheduling["max"] as! Int))
        #expect(runqueue.elements(class: "percentile").first { $0["data-key"] == "p99" }?.integer("data-value-ns")
            == UInt64(scheduling["p99"] as! Int))
        #expect(svg.elements(class: "series").count >= 4)
        #expect(svg.elements(class: "caption").contains { $0.text.hasPrefix("command: spe-vm run --platform sim --exits 3000") })
    }

    @Test("replay --plot draws the re-run's latencies and keeps replay's exit status")
    func replayPlot() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        let out = scratch.path("found")
        let stress = try ToolProcess.run(
            ["stress", "--out", out, "--jobs", "1", "--vcpus", "4", "--exits", "300", "--faults", "none", "--seeds", "8",
             "--mutation", "put-skipped-on-move"])
        #expect(stress.status == 1)
        let (result, figure, plotScratch) = try Self.plotted(["replay", "\(out)/replay.json"])
        defer { plotScratch.cleanUp() }
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(result.stdoutLines.first?.hasPrefix("reproduced: ") == true)
        let svg = try #require(figure)
        #expect(svg.elements(class: "series").contains { $0["data-kind"] == "runqueue" })
        #expect(svg.elements(class: "caption").contains { $0.text == "command: spe-vm replay \(out)/replay.json" })

        // An unwritable path is refused before the re-run.
        let missing = plotScratch.path("missing/plot.svg")
        let refused = try ToolProcess.run(["replay", "\(out)/replay.json", "--plot", missing])
        #expect(refused.status == 2)
        #expect(refused.stdout == "")
        #expect(refused.stderrLines.first == "spe-vm: cannot write '\(missing)': no such directory '\(plotScratch.url.path)/missing'")
    }

    @Test("text in the figure is escaped: a file name with XML's special characters still gives well-formed XML")
    func escaping() throws {
        let name = #"a&b<c>'d"e.svg"#
        let (result, figure, scratch) = try Self.plotted(["latency", "--platform", "sim", "--vcpus", "1", "--loops", "5"], name: name)
        defer { scratch.cleanUp() }
        #expect(result.status == 0)
        let svg = try #require(figure)
        let command = try #require(svg.elements(class: "caption").first { $0.text.hasPrefix("command: ") })
        #expect(command.text.contains(#"a&b<c>'\''d"e.svg"#), "\(command.text)")
        #expect(LatencyPlot.escaped(#"<a href="x">&'</a>"#) == "&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;")
        #expect(LatencyPlot.escaped("bell\u{7}") == "bell ")
    }

    struct BadPath: CustomTestStringConvertible, Sendable {
        let command: [String]
        /// The path under the scratch directory, and the reason expected after `cannot write 'PATH': `.
        let path: String
        let reason: @Sendable (String) -> String
        var testDescription: String { "\(command[0]) --plot \(path)" }
    }

    static let sim = ["--platform", "sim", "--vcpus", "1", "--loops", "5"]
    static let badPaths: [BadPath] = [
        BadPath(command: ["latency"] + sim, path: "missing/plot.svg") { "no such directory '\($0)/missing'" },
        BadPath(command: ["latency"] + sim, path: "existing") { _ in "it is a directory" },
        BadPath(command: ["latency"] + sim, path: "file/plot.svg") { "'\($0)/file' is not a directory" },
        BadPath(command: ["run", "--platform", "sim", "--exits", "100"], path: "missing/plot.svg") { "no such directory '\($0)/missing'" },
    ]

    @Test("an unwritable plot path is refused before the run: exit 2, a clear message, nothing written", arguments: badPaths)
    func badPath(_ bad: BadPath) throws {
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        try FileManager.default.createDirectory(atPath: scratch.path("existing"), withIntermediateDirectories: false)
        _ = try scratch.write("file", "a file, not a directory\n")
        let before = try FileManager.default.subpathsOfDirectory(atPath: scratch.url.path).sorted()
        let path = scratch.path(bad.path)
        let result = try ToolProcess.run(bad.command + ["--plot", path])
        #expect(result.exitedNormally)
        #expect(result.status == 2)
        #expect(result.stdout == "")
        #expect(result.stderrLines == [
            "spe-vm: cannot write '\(path)': \(bad.reason(scratch.url.path))", "Run 'spe-vm \(bad.command[0]) --help' for usage.",
        ])
        #expect(try FileManager.default.subpathsOfDirectory(atPath: scratch.url.path).sorted() == before)
    }

    @Test("--plot is listed by latency, run and replay --help", arguments: ["latency", "run", "replay"])
    func help(_ command: String) throws {
        let result = try ToolProcess.run([command, "--help"])
        #expect(result.status == 0)
        #expect(result.stdoutLines.contains { $0.hasPrefix("  --plot FILE.svg ") })
    }

    @Test("a run that recorded no latency gives a well-formed figure that says so, every kind named as not drawn")
    func noSamples() throws {
        let plot = LatencyPlot(figures: LatencyFigures(), platform: .sim, captions: ["command: none"])
        let svg = try XMLTreeReader.parse(Data(plot.svg.utf8))
        #expect(svg.elements(class: "series").isEmpty)
        #expect(svg.elements(class: "empty").map(\.text) == ["no latency sample was recorded"])
        #expect(svg.elements(class: "note").map(\.text) == ["not drawn, no samples: " + Self.allKinds.joined(separator: ", ")])
    }

    // MARK: The latency axis

    @Test("the latency axis spans whole decades from 0 or the lowest bucket's decade, every bucket inside it")
    func axis() {
        let zero = LatencyPlot.LatencyAxis(lowest: 0, highest: 0)
        #expect((zero.low, zero.high) == (0, 1))
        #expect(zero.x(0) == LatencyPlot.plotLeft)
        #expect(zero.ticks.filter { $0.label != nil }.map(\.label) == ["0", "10 ns"])
        let live = LatencyPlot.LatencyAxis(lowest: 20_000, highest: 4_999_999)
        #expect((live.low, live.high) == (4, 7))
        #expect(live.ticks.compactMap(\.label) == ["10 µs", "100 µs", "1 ms", "10 ms"])
        #expect(live.x(10_000) == LatencyPlot.plotLeft)
        #expect(abs(live.x(10_000_000) - LatencyPlot.plotRight) < 1e-9)
        #expect(live.x(20_000) > LatencyPlot.plotLeft && live.x(5_000_000) < LatencyPlot.plotRight)
        // A bucket ending just below a decade stays inside it; one reaching it needs the next.
        #expect(LatencyPlot.LatencyAxis(lowest: 10, highest: 998).high == 3)
        #expect(LatencyPlot.LatencyAxis(lowest: 10, highest: 999).high == 3)
        #expect(LatencyPlot.LatencyAxis(lowest: 10, highest: 1000).high == 4)
        #expect(LatencyPlot.LatencyAxis(lowest: 9, highest: 1000).low == 0)
        #expect(LatencyPlot.decadeLabel(9) == "1 s" && LatencyPlot.decadeLabel(11) == "100 s")
        #expect(LatencyPlot.countLabel(4) == "10k")
    }
}
