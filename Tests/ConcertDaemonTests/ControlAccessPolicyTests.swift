import Testing

@testable import ConcertDaemon

@Suite(.timeLimit(.minutes(1)))
struct ControlAccessPolicyTests {
    let policy = ControlAccessPolicy(daemonUID: 990, controlGroup: 4242) { uid, _ in uid == 1001 ? [100, 4242] : [100] }

    @Test func rootAndTheDaemonsOwnUserAreLetIn() {
        #expect(policy.allows(PeerCredentials(pid: 1, uid: 0, gid: 0)))
        #expect(policy.allows(PeerCredentials(pid: 1, uid: 990, gid: 990)))
    }

    @Test func aPeerWhosePrimaryGroupIsTheControlGroupIsLetIn() {
        #expect(policy.allows(PeerCredentials(pid: 1, uid: 1000, gid: 4242)))
    }

    @Test func aUserWithTheControlGroupAsSupplementaryGroupIsLetIn() {
        #expect(policy.allows(PeerCredentials(pid: 1, uid: 1001, gid: 100)))
    }

    @Test func anyoneElseIsRefused() {
        #expect(!policy.allows(PeerCredentials(pid: 1, uid: 1000, gid: 100)))
        #expect(!policy.allows(PeerCredentials(pid: 1, uid: 65534, gid: 65534)))
    }

    @Test func withoutAControlGroupOnlyRootAndTheDaemonUserAreLetIn() {
        let strict = ControlAccessPolicy(daemonUID: 990, controlGroup: nil) { _, _ in [4242] }
        #expect(strict.allows(PeerCredentials(pid: 1, uid: 0, gid: 0)))
        #expect(!strict.allows(PeerCredentials(pid: 1, uid: 1001, gid: 4242)))
    }

    @Test func theSystemGroupDatabaseGivesRootItsGroups() {
        #expect(ControlAccessPolicy.systemGroups(of: 0, primary: 0).contains(0))
        #expect(ControlAccessPolicy.systemGroups(of: 4_000_000, primary: 5).isEmpty)
        #expect(ControlAccessPolicy.groupID(named: "root") == 0)
        #expect(ControlAccessPolicy.groupID(named: "no-such-group-here") == nil)
    }
}
