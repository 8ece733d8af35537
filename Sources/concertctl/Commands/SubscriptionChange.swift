import ArgumentParser
import ConcertProtocol

/// `unsubscribe`, `pause` and `resume`: one subscription id in, the changed subscription out.
protocol SubscriptionChangeCommand: ControlCommand {
    var id: String { get }
    static var method: ControlMethod<SubscriptionIDParams, SubscriptionChangeResult> { get }
    static func summary(_ result: SubscriptionChangeResult) -> HumanText
}

extension SubscriptionChangeCommand {
    func validate() throws {
        try InputChecks.id(id, "the subscription id")
    }

    func run(in context: CommandContext) async throws {
        let (result, raw) = try await call(Self.method, SubscriptionIDParams(id: id), in: context)
        emit(raw, in: context) { context.output.line(Self.summary(result)) }
    }
}
