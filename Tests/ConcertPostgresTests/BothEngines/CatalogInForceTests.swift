import ConcertCore
import ConcertPostgres
import Foundation
import Testing

/// The catalog in force, kept in the store with its version on both engines: a catalog import
/// makes it the one in force in the same transaction, and every instance reads the same.
@Suite(.timeLimit(.minutes(3)))
struct CatalogInForceTests {
    static let now = ConcertStoreTests.now
    static let first = ConcertStoreTests.catalog
    static let second = ConcertStoreTests.catalog([
        ConcertStoreTests.concert("c-seoul", ["seoul"], day: 11),
        ConcertStoreTests.concert("c-daegu", ["daegu"], day: 40),
    ])

    @Test(arguments: StoreEngine.allCases)
    func aNewStoreHasNoCatalogInForce(engine: StoreEngine) async throws {
        let store = try await engine.openNew()
        #expect(try store.concertStore.catalogInForce() == nil)
    }

    @Test(arguments: StoreEngine.allCases)
    func anImportMakesItsCatalogTheOneInForceWithItsVersion(engine: StoreEngine) async throws {
        let store = try await engine.openNew()
        try store.concertStore.importCatalog(Self.first, now: Self.now)
        let inForce = try #require(try store.concertStore.catalogInForce())
        #expect(inForce.version == Self.first.version)
        #expect(inForce.catalog == Self.first)
        #expect(inForce.takenAt == Self.now)

        let later = Self.now.addingTimeInterval(60)
        try store.concertStore.importCatalog(Self.second, now: later, previous: Self.first)
        let next = try #require(try store.concertStore.catalogInForce())
        #expect(next.version == Self.second.version)
        #expect(next.version != inForce.version)
        #expect(next.catalog == Self.second)
        #expect(next.takenAt == later)
    }

    @Test(arguments: StoreEngine.allCases)
    func theShippedCatalogComesBackWholeFromTheStore(engine: StoreEngine) async throws {
        let store = try await engine.openNew()
        let shipped = StoreFixtures.catalog
        try store.concertStore.importCatalog(shipped, now: Self.now)
        let inForce = try #require(try store.concertStore.catalogInForce())
        #expect(inForce.catalog == shipped)
        #expect(inForce.catalog.city(named: "부산")?.id == "busan")
        #expect(inForce.version == shipped.version)
    }

    @Test(arguments: StoreEngine.allCases)
    func anImportThatFailsLeavesTheCatalogInForce(engine: StoreEngine) async throws {
        let store = try await engine.openNew()
        try store.concertStore.importCatalog(Self.first, now: Self.now)
        // A concert row the import cannot read (its body is not a concert): the import throws
        // after it has recorded its catalog, which must roll back with the rest.
        try store.execute("UPDATE concert SET body = 'not json' WHERE id = 'c-seoul'")
        #expect(throws: (any Error).self) {
            try store.concertStore.importCatalog(Self.second, now: Self.now, previous: Self.first)
        }
        #expect(try store.concertStore.catalogInForce()?.version == Self.first.version)
    }

    @Test func anotherInstanceReadsTheCatalogOneInstanceImported() async throws {
        let store = try await StoreEngine.postgresql.openNew()
        let postgres = try #require(store.postgres)
        let other = try PostgresStore.open(settings: postgres.pool.settings, instanceName: "b")
        try other.importCatalog(Self.second, now: Self.now)
        let inForce = try #require(try postgres.catalogInForce())
        #expect(inForce.version == Self.second.version)
        #expect(inForce.catalog == Self.second)
        #expect(inForce.takenBy == "b")
    }

    @Test(arguments: StoreEngine.allCases)
    func onlyAServerEngineIsSharedByInstances(engine: StoreEngine) async throws {
        let store = try await engine.openNew()
        #expect(store.daemonStore.sharedByInstances == (engine == .postgresql))
    }
}
