import ConcertCore
import Foundation

extension Daemon {
    /// Refuses a reload whose catalog drops a city that subscriptions or concerts added or changed
    /// with concertctl still name: the old catalog stays in force. Applied, the subscriptions
    /// would stay active for a city nobody can subscribe to or preview, and the messages of those
    /// concerts would name the city by its raw key.
    func refuseDroppingCitiesInUse(_ newCatalog: Catalog, path: String, requester: Requester) throws(StartupError) {
        let dropped = catalog.cities.map(\.id).filter { newCatalog.city(id: $0) == nil }
        guard !dropped.isEmpty else { return }
        let usage: [String: CityUsage]
        do {
            usage = try database.usage(ofCities: dropped, now: clock.now())
        } catch {
            throw .store(error, "the cities the new catalog drops could not be checked")
        }
        let problems = dropped.compactMap { id -> String? in
            guard let used = usage[id], !used.isEmpty else { return nil }
            return "city '\(id)' is not in the new catalog, but "
                + Self.usageText(used)
                + " still name it; keep the city in the file, or `concertctl unsubscribe` those subscriptions and `concertctl concert cancel` those concerts first"
        }
        guard !problems.isEmpty else { return }
        logger.error(
            "reload rejected; the old catalog stays in force",
            metadata: requester.metadata.merging(["error": "\(problems.joined(separator: "; "))"]) { $1 })
        throw StartupError(.catalog, problems: problems.map { "\(path): \($0)" })
    }

    /// At start: a warning for each city that subscriptions or concerts changed with concertctl
    /// name but the catalog does not have (dropped while the daemon was stopped). The start goes
    /// on: refusing it would stop every other city's reminders.
    func warnOfCitiesNotInCatalog() throws {
        let usage = try database.usageOfCities(notIn: Set(catalog.cities.map(\.id)), now: clock.now())
        for (id, used) in usage.sorted(by: { $0.key < $1.key }) where !used.isEmpty {
            logger.warning(
                "city '\(id)' is not in the catalog, but \(Self.usageText(used)) still name it; add it back to the catalog file, or unsubscribe and cancel them",
                metadata: ["city": "\(id)"])
        }
    }

    /// `3 subscriptions and 1 concert added or changed with concertctl (busan-2019-12-20)`.
    static func usageText(_ used: CityUsage) -> String {
        var parts: [String] = []
        if used.subscriptions > 0 {
            parts.append(used.subscriptions == 1 ? "1 subscription" : "\(used.subscriptions) subscriptions")
        }
        if !used.concerts.isEmpty {
            let count = used.concerts.count == 1 ? "1 concert" : "\(used.concerts.count) concerts"
            parts.append("\(count) added or changed with concertctl (\(used.concerts.joined(separator: ", ")))")
        }
        return parts.joined(separator: " and ")
    }
}
