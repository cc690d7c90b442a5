import Testing
@testable import HostIRQ
