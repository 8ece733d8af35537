import ConcertCore
import ConcertProtocol
import Foundation

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
        router.register(ControlMethods.concertAdd) { params, _ in
            guard !params.cities.isEmpty else {
                throw ControlError.invalidInput("name at least one city", field: "cities")
            }
            let cities = try params.cities.map { try resolveCity($0, field: "cities", daemon: daemon).id }
            let title = params.title.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !title.isEmpty else { throw ControlError.invalidInput("the title is empty", field: "title") }
            let schedule = try parseSchedule(start: params.start, end: params.end)
            let id = try uniqueConcertID(city: cities[0], schedule: schedule, daemon: daemon)
            let concert = Concert(
                id: id, cities: cities, title: LocalizedText(ko: title, en: title),
                venue: params.venue.map { LocalizedText(ko: $0, en: $0) },
                speaker: params.speaker.map {
                    Speaker(
                        affiliation: LocalizedText(ko: "", en: ""), name: LocalizedText(ko: $0, en: $0),
                        role: LocalizedText(ko: "", en: ""))
                },
                schedule: schedule, notes: ["Added with concertctl concert add."])
            try store { try daemon.database.addConcert(concert, now: daemon.clock.now()) }
            daemon.scheduler.wake()
            let notices = try store { try daemon.database.deliveryCount(concertID: id, revision: 1, kind: .newConcert) }
            return ConcertChangeResult(concert: ConcertInfo(concert), notices: notices)
        }
        router.register(ControlMethods.concertReschedule) { params, _ in
            let schedule = try parseSchedule(start: params.start, end: params.end)
            let stored = try store {
                try daemon.database.changeConcert(id: params.id, now: daemon.clock.now()) { concert in
                    guard concert.status == .scheduled else {
                        throw StoreError(.conflict, "concert '\(params.id)' is cancelled; it cannot be rescheduled")
                    }
                    concert.schedule = schedule
                    if let venue = params.venue { concert.venue = LocalizedText(ko: venue, en: venue) }
                }
                return try daemon.database.concert(id: params.id)!
            }
            daemon.scheduler.wake()
            let notices = try store {
                try daemon.database.deliveryCount(concertID: params.id, revision: stored.revision, kind: .change)
            }
            return ConcertChangeResult(concert: ConcertInfo(stored.concert), notices: notices)
        }
        router.register(ControlMethods.concertCancel) { params, _ in
            let stored = try store {
                try daemon.database.changeConcert(id: params.id, now: daemon.clock.now()) { concert in
                    guard concert.status == .scheduled else {
                        throw StoreError(.conflict, "concert '\(params.id)' is already cancelled")
                    }
                    concert.status = .cancelled
                }
                return try daemon.database.concert(id: params.id)!
            }
            daemon.scheduler.wake()
            let notices = try store {
                try daemon.database.deliveryCount(concertID: params.id, revision: stored.revision, kind: .cancellation)
            }
            return ConcertChangeResult(concert: ConcertInfo(stored.concert), notices: notices)
        }
    }

    static func resolveCity(_ name: String, field: String, daemon: Daemon) throws(ControlError) -> City {
        guard let city = daemon.catalog.city(named: name) else {
            throw .invalidInput(
                "unknown city '\(name)'; known: \(daemon.catalog.cities.map(\.id).joined(separator: ", "))",
                field: field)
        }
        return city
    }

    /// `--start` and `--end` of `concert add` and `reschedule`: instants (Korea time unless an
    /// offset is given; the end defaults to two hours later) or dates for a date-only concert, in
    /// the years of ``ParamRange/year``.
    static func parseSchedule(start: String, end: String?) throws(ControlError) -> ConcertSchedule {
        guard let first = KoreaTime.parseMoment(start) else {
            throw .invalidInput(
                "'\(start)' is not an ISO date or date and time such as 2019-12-20T14:00", field: "start")
        }
        try checkYear(first, field: "start")
        let last = try end.map { text throws(ControlError) -> KoreaTime.Moment in
            guard let moment = KoreaTime.parseMoment(text) else {
                throw .invalidInput("'\(text)' is not an ISO date or date and time", field: "end")
            }
            try checkYear(moment, field: "end")
            return moment
        }
        switch (first, last) {
        case (.instant(let s), nil):
            return .timed(start: s, end: s.addingTimeInterval(2 * 3600))
        case (.instant(let s), .instant(let e)?):
            guard e > s else { throw .invalidInput("the end is not after the start", field: "end") }
            return .timed(start: s, end: e)
        case (.date(let s), nil):
            return .dateOnly(first: s, last: s)
        case (.date(let s), .date(let e)?):
            guard e >= s else { throw .invalidInput("the end is before the start", field: "end") }
            return .dateOnly(first: s, last: e)
        default:
            throw .invalidInput("give the start and end both as dates or both with a time", field: "end")
        }
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
