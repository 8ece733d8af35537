import ConcertProtocol

/// How values look in the human (non-JSON) output.
enum Display {
    /// `2019-10-29T14:00:00+09:00` as `2019-10-29 14:00`: tables are read in Korea time. Other
    /// values (dates, other offsets) are shown as they are.
    static func time(_ iso: String, seconds: Bool = false) -> String {
        guard iso.count >= 16, iso.hasSuffix("+09:00") else { return iso }
        let characters = Array(iso)
        guard characters[10] == "T" else { return iso }
        let end = seconds && iso.count >= 25 && characters[16] == ":" ? 19 : 16
        return String(characters[0..<10]) + " " + String(characters[11..<end])
    }

    /// What a delivery is, in a few words: `1d before` for a reminder, `change notice`,
    /// `confirmation`… (a notice has no offset).
    static func what(_ delivery: DeliveryInfo) -> String {
        switch delivery.kind {
        case "reminder": "reminder \(delivery.offset) before"
        case "new_concert": "new concert notice"
        case "change": "change notice"
        case "cancellation": "cancellation notice"
        default: delivery.kind
        }
    }

    /// The `next due` line of `status`: when the delivery will be attempted (a retry's next
    /// attempt, not the time it was first due), what it is, and for a retry when it was due.
    static func nextDue(_ delivery: DeliveryInfo) -> String {
        let retry = delivery.nextAttempt.map { _ in "; \(delivery.state), first due \(time(delivery.due))" } ?? ""
        let when = time(delivery.nextAttempt ?? delivery.due)
        return "\(when)  \(delivery.subscription)  \(delivery.concert) (\(what(delivery))\(retry))"
    }

    /// The OFFSET cell of a delivery: only a reminder has one.
    static func offset(_ delivery: DeliveryInfo) -> String {
        delivery.kind == "reminder" ? delivery.offset : "-"
    }

    static func text(_ text: BilingualText?, korean: Bool) -> String {
        guard let text else { return "-" }
        return korean ? text.ko : text.en
    }

    /// `sqlite /var/lib/concertd/concertd.sqlite3`, `postgresql db.example.org:5432/concertd`: the
    /// engine and where the store is (an IPv6 address in brackets).
    static func store(_ store: StoreStatus) -> String {
        if let path = store.path { return "\(store.engine) \(path)" }
        let host = store.host.map { $0.contains(":") ? "[\($0)]" : $0 } ?? "?"
        return "\(store.engine) \(host):\(store.port.map(String.init) ?? "?")/\(store.database ?? "?")"
    }

    /// `3d 4h`, `5m 2s`: an uptime at a glance.
    static func duration(seconds: Int) -> String {
        let days = seconds / 86_400
        let hours = seconds % 86_400 / 3600
        let minutes = seconds % 3600 / 60
        if days > 0 { return "\(days)d \(hours)h" }
        if hours > 0 { return "\(hours)h \(minutes)m" }
        return "\(minutes)m \(seconds % 60)s"
    }

    /// `15 s`, `4 min 10 s`, `1 h 5 min`: the time left of long work.
    static func remaining(seconds: Double) -> String {
        guard seconds.isFinite, seconds < 360_000 else { return "a long time" }
        let whole = Int(seconds.rounded(.up))
        if whole < 60 { return "\(whole) s" }
        if whole < 3600 { return "\(whole / 60) min \(whole % 60) s" }
        return "\(whole / 3600) h \(whole % 3600 / 60) min"
    }

    /// `sent 5, scheduled 6`, largest first; `none` when empty.
    static func counts(_ counts: [String: Int]) -> String {
        let parts = counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { "\($0.key) \($0.value)" }
        return parts.isEmpty ? "none" : parts.joined(separator: ", ")
    }

    /// `60` rather than `60.0`; `0.5` stays `0.5`.
    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    /// The line of a concert change: `changed busan-2019: 2019-10-26 10:00 – 2019-10-26 18:00 at 부산 벡스코;
    /// 1 change notice queued`; `unchanged` and `no notice queued` when the concert stayed as it was.
    static func change(_ result: ConcertChangeResult, done: String, unchanged: String, notice: String) -> String {
        let concert = result.concert
        guard result.changed else { return "\(unchanged); no notice queued" }
        let venue = concert.venue.map { " at \($0.ko)" } ?? ""
        let queued = result.notices == 0 ? "no notice queued" : "\(plural(result.notices, notice)) queued"
        return "\(done): \(time(concert.start)) – \(time(concert.end))\(venue); \(queued)"
    }

    /// `count` and `noun`, in the plural unless `count` is 1: `-ies` after a consonant and `y`
    /// (`tries`), `-es` after `s`, `x`, `ch` and `sh` (`addresses`), else `-s`.
    static func plural(_ count: Int, _ noun: String) -> String {
        guard count != 1 else { return "\(count) \(noun)" }
        if noun.hasSuffix("y"), let before = noun.dropLast().last, !"aeiou".contains(before) {
            return "\(count) \(noun.dropLast())ies"
        }
        if ["s", "x", "ch", "sh"].contains(where: noun.hasSuffix) { return "\(count) \(noun)es" }
        return "\(count) \(noun)s"
    }
}
