import ConcertCore
import ConcertProtocol
import Foundation
import Logging

extension DaemonControlHandler {
    static func registerConcerts(_ router: inout ControlRouter, _ daemon: Daemon) {
        router.register(ControlMethods.cities) { _, _ in
            let concerts = try store { try daemon.database.concerts() }
            return CitiesResult(
                cities: daemon.catalog.cities.map { city in
                    CityInfo(
                        id: city.id, ko: city.shortName, koFull: city.fullName, en: city.englishName,
                        concerts: concerts.filter { $0.concert.cities.contains(city.id) }.map(\.concert.id))
                })
        }
        router.register(ControlMethods.concertAdd) { params, peer in
            guard !params.cities.isEmpty else {
                throw ControlError.invalidInput("name at least one city", field: "cities")
            }
            let cities = try params.cities.map {
                try resolveCity(
                    try ConcertChangeRequest.nonEmpty($0, field: "cities", subject: "a city"), field: "cities",
                    daemon: daemon
                )
                .id
            }
            let title = try ConcertChangeRequest.nonEmpty(params.title, field: "title")
            let speaker = try params.speaker.map { text throws(ControlError) in
                try ConcertChangeRequest.nonEmpty(text, field: "speaker")
            }
            var request = ConcertChangeRequest()
            let schedule = try request.newSchedule(start: params.start, end: params.end)
            let id = try uniqueConcertID(city: cities[0], schedule: schedule, daemon: daemon)
            let concert = Concert(
                id: id, cities: cities, title: LocalizedText(ko: title, en: title),
                venue: try ConcertChangeRequest.venue(ko: params.venue, en: params.venueEn, current: nil),
                speaker: speaker.map {
                    Speaker(
                        affiliation: LocalizedText(ko: "", en: ""), name: LocalizedText(ko: $0, en: $0),
                        role: LocalizedText(ko: "", en: ""))
                },
                schedule: schedule, notes: ["Added with concertctl concert add."])
            let now = daemon.clock.now()
            let changes = try store { try daemon.database.addConcert(concert, now: now) }
            daemon.scheduler.wake()
            daemon.logger.operatorAction(
                "concert added", by: .peer(peer),
                [
                    "concert.id": "\(id)", "cities": "\(cities.joined(separator: ","))",
                    "notices": "\(changes.noticesQueued)",
                ])
            var warnings = request.notes
            if concert.schedule.reminderDeadline <= now {
                warnings.append("the concert has already begun: nobody is told of it and no reminder is planned")
            }
            return ConcertChangeResult(
                concert: ConcertInfo(concert), notices: changes.noticesQueued, changed: true, warnings: warnings)
        }
        router.register(ControlMethods.concertReschedule) { params, peer in
            guard params.asksForAChange else {
                throw ControlError.invalidParams("give at least one of start, end, venue and venue_en", field: "start")
            }
            let now = daemon.clock.now()
            var request = ConcertChangeRequest()
            let changes = try store {
                try daemon.database.changeConcert(id: params.id, now: now) { concert in
                    guard concert.status == .scheduled else {
                        throw StoreError(.conflict, "concert '\(params.id)' is cancelled; it cannot be rescheduled")
                    }
                    concert.schedule = try request.rescheduled(concert.schedule, start: params.start, end: params.end)
                    concert.venue = try ConcertChangeRequest.venue(
                        ko: params.venue, en: params.venueEn, current: concert.venue)
                }
            }
            return try changeResult(
                params.id, changes, action: "concert rescheduled", notes: request.notes, peer: peer, daemon: daemon)
        }
        router.register(ControlMethods.concertCancel) { params, peer in
            let changes = try store {
                try daemon.database.changeConcert(id: params.id, now: daemon.clock.now()) { concert in
                    guard concert.status == .scheduled else {
                        throw StoreError(.conflict, "concert '\(params.id)' is already cancelled")
                    }
                    concert.status = .cancelled
                }
            }
            return try changeResult(params.id, changes, action: "concert cancelled", peer: peer, daemon: daemon)
        }
        router.register(ControlMethods.concertReset) { params, peer in
            guard let catalogVersion = daemon.catalog.concert(id: params.id) else {
                guard try store({ try daemon.database.concert(id: params.id) }) != nil else {
                    throw ControlError.notFound("no concert with id '\(params.id)'", field: "id")
                }
                throw ControlError.conflict(
                    "concert '\(params.id)' is not in the catalog file in force (it was added with concertctl, or removed from the file): there is no catalog version to return to",
                    field: "id")
            }
            let changes = try store {
                try daemon.database.returnConcertToCatalog(catalogVersion, now: daemon.clock.now())
            }
            return try changeResult(
                params.id, changes, action: "concert reset to the catalog", logsUnchanged: false, peer: peer,
                daemon: daemon)
        }
    }

    /// The reply to a change of a stored concert, and its journal line: the concert as it now
    /// stands, the notices this change queued, and warnings saying who was told and who was not.
    /// A request that changed nothing is logged as `concert unchanged` when `logsUnchanged`.
    private static func changeResult(
        _ id: String, _ changes: ConcertChanges, action: Logger.Message, notes: [String] = [],
        logsUnchanged: Bool = true, peer: PeerCredentials, daemon: Daemon
    ) throws(ControlError) -> ConcertChangeResult {
        daemon.scheduler.wake()
        guard let stored = try store({ try daemon.database.concert(id: id) }) else {
            throw .notFound("no concert with id '\(id)'", field: "id")
        }
        let changed = !changes.isEmpty
        daemon.logger.operatorAction(
            changed || !logsUnchanged ? action : "concert unchanged", by: .peer(peer),
            [
                "concert.id": "\(id)", "revision": "\(stored.revision)", "notices": "\(changes.noticesQueued)",
                "status": "\(stored.concert.status.rawValue)", "start": "\(stored.concert.schedule.startString)",
            ])
        var warnings = notes
        if changed {
            warnings += noticeWarnings(stored, changes)
            if stored.origin == .admin && daemon.catalog.concert(id: id) != nil {
                warnings.append(
                    "\(id) now keeps this version: edits of it in the catalog file are not applied until `concertctl concert reset \(id)`"
                )
            }
            if stored.concert.status == .scheduled && stored.concert.schedule.reminderDeadline <= daemon.clock.now() {
                warnings.append("the concert now begins in the past: no reminder of it will be sent")
            }
        }
        return ConcertChangeResult(
            concert: ConcertInfo(stored.concert), notices: changes.noticesQueued, changed: changed, warnings: warnings)
    }

    /// Who was told of a change or cancellation and who was not (the store tells only those a
    /// message about the concert had already reached).
    private static func noticeWarnings(_ stored: StoredConcert, _ changes: ConcertChanges) -> [String] {
        let cancelled = !changes.cancelled.isEmpty
        let kind = cancelled ? "cancellation" : "change"
        var text =
            "\(kind) notices go only to subscriptions that had already been sent a message about this concert: \(changes.noticesQueued) queued"
        let others = changes.subscriptionsNotTold
        if others > 0 {
            let subject = others == 1 ? "1 other active subscription" : "\(others) other active subscriptions"
            text +=
                cancelled
                ? "; \(subject) of its cities had heard nothing of it and \(others == 1 ? "is" : "are") told nothing (their reminders are skipped)"
                : "; \(subject) of its cities had heard nothing of it yet and \(others == 1 ? "gets" : "get") no notice: their reminders follow the new facts"
        }
        let sameInLanguage = changes.subscriptionsSameInLanguage
        if sameInLanguage > 0 {
            text +=
                "; \(sameInLanguage == 1 ? "1 subscription" : "\(sameInLanguage) subscriptions") in the other language \(sameInLanguage == 1 ? "gets" : "get") no notice: nothing they read changed"
        }
        return [text + "; paused subscriptions are told nothing"]
    }

    static func resolveCity(_ name: String, field: String, daemon: Daemon) throws(ControlError) -> City {
        guard let city = daemon.catalog.city(named: name) else {
            throw .invalidInput(
                "unknown city '\(name)'; known: \(daemon.catalog.cities.map(\.id).joined(separator: ", "))",
                field: field)
        }
        return city
    }

    static func uniqueConcertID(city: String, schedule: ConcertSchedule, daemon: Daemon) throws(ControlError) -> String
    {
        let day = KoreaTime.localDate(of: schedule.start).description
        let base = "\(city)-\(day)"
        var id = base
        var counter = 2
        while try store({ try daemon.database.concert(id: id) }) != nil {
            id = "\(base)-\(counter)"
            counter += 1
        }
        return id
    }
}

extension ConcertInfo {
    init(_ concert: Concert) {
        self.init(
            id: concert.id, cities: concert.cities, title: concert.title.map { BilingualText(ko: $0.ko, en: $0.en) },
            start: concert.schedule.startString, end: concert.schedule.endString,
            timeAnnounced: concert.schedule.isTimeAnnounced,
            venue: concert.venue.map { BilingualText(ko: $0.ko, en: $0.en) },
            speaker: concert.speaker.map {
                SpeakerInfo(
                    name: BilingualText(ko: $0.name.ko, en: $0.name.en),
                    role: $0.role.ko.isEmpty ? nil : BilingualText(ko: $0.role.ko, en: $0.role.en),
                    affiliation: $0.affiliation.ko.isEmpty
                        ? nil : BilingualText(ko: $0.affiliation.ko, en: $0.affiliation.en))
            },
            status: concert.status.rawValue)
    }
}
