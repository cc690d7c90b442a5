// swift-tools-version: 6.2
import PackageDescription

// Warnings are errors in every build, local and CI alike.
let strict: [SwiftSetting] = [.treatAllWarnings(as: .error)]

let package = Package(
    name: "spe-vm",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "spe-vm", targets: ["spe-vm"]),
        .library(name: "HostIRQ", targets: ["HostIRQ"]),
        .library(name: "SPEDevice", targets: ["SPEDevice"]),
        .library(name: "VCPURuntime", targets: ["VCPURuntime"]),
    ],
    targets: [
        .target(name: "HostIRQ", swiftSettings: strict),
        .target(name: "SPEDevice", dependencies: ["HostIRQ"], swiftSettings: strict),
        .target(name: "VCPURuntime", dependencies: ["HostIRQ", "SPEDevice"], swiftSettings: strict),
        .executableTarget(
            name: "spe-vm", dependencies: ["HostIRQ", "SPEDevice", "VCPURuntime"], swiftSettings: strict),
        .testTarget(name: "HostIRQTests", dependencies: ["HostIRQ"], swiftSettings: strict),
        .testTarget(name: "SPEDeviceTests", dependencies: ["SPEDevice"], swiftSettings: strict),
        .testTarget(
            name: "VCPURuntimeTests", dependencies: ["VCPURuntime", "SPEDevice", "HostIRQ"],
            resources: [.copy("Scripts")], swiftSettings: strict),
        .testTarget(name: "spe-vmTests", dependencies: ["spe-vm"], swiftSettings: strict),
    ],
    swiftLanguageModes: [.v6]
)
