import ConcertProtocol
import Logging
import Testing

@testable import ConcertDaemon

@Suite(.timeLimit(.minutes(1)))
struct ControlRouterTests {
    struct DatabaseLocked: Error {}
    let peer = PeerCredentials(pid: 1, uid: 0, gid: 0)

    func router() -> ControlRouter {
        var router = ControlRouter(logger: Logger(label: "test"))
        router.register(ControlMethods.pause) { params, _ in
            switch params.id {
            case "sub-known": SubscriptionChangeResult(subscription: FakeControlHandler.subscription(city: "busan"))
            case "sub-locked": throw DatabaseLocked()
            default: throw ControlError.notFound("no subscription '\(params.id)'", field: "id")
            }
        }
        return router
    }

    @Test func aRegisteredMethodGetsTypedParamsAndItsResultIsEncoded() async throws {
        let request = try ControlRequest(id: .number(1), method: ControlMethods.pause, params: .init(id: "sub-known"))
        let reply = await router().handle(request, peer: peer)
        #expect(reply.id == .number(1))
        #expect(try reply.decodeResult(as: SubscriptionChangeResult.self).subscription.id == "sub-known")
    }

    @Test func anUnregisteredMethodIsMethodNotFound() async {
        let reply = await router().handle(ControlRequest(id: .number(2), method: "status"), peer: peer)
        #expect(reply.error?.code == .methodNotFound)
    }

    @Test func aThrownControlErrorIsSentAsIs() async throws {
        let request = try ControlRequest(id: .number(3), method: ControlMethods.pause, params: .init(id: "sub-x"))
        let reply = await router().handle(request, peer: peer)
        #expect(reply.error == ControlError.notFound("no subscription 'sub-x'", field: "id"))
    }

    @Test func anyOtherErrorIsAnInternalErrorThatRevealsNothing() async throws {
        let request = try ControlRequest(id: .number(4), method: ControlMethods.pause, params: .init(id: "sub-locked"))
        let reply = await router().handle(request, peer: peer)
        #expect(reply.error?.code == .internalError)
        #expect(reply.error?.message.contains("DatabaseLocked") == false)
    }

    @Test func paramsOfTheWrongShapeAreInvalidParams() async {
        let reply = await router().handle(
            ControlRequest(id: .number(5), method: "pause", params: .object(["id": .int(5)])), peer: peer)
        #expect(reply.error?.code == .invalidParams)
        #expect(reply.error?.field == "id")
    }
}
