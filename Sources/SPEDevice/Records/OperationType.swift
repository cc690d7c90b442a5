/// The payload of an SPE operation-type packet: the operation's class (in the header) and its
/// class-specific subclass byte (the one-byte payload).
public struct OperationType: Hashable, Sendable {
    /// The operation class, carried in the header byte `0x48 | class`.
    public var operationClass: OperationClass
    /// The class-specific subclass, carried as the packet's one payload byte.
    public var subclass: UInt8

    /// An operation type of class `operationClass` and subclass `subclass`.
    public init(_ operationClass: OperationClass, subclass: UInt8 = 0) {
        self.operationClass = operationClass
        self.subclass = subclass
    }
}
