import ConcertShared
import Foundation

/// Reads and validates the catalog file (`etc/concertd/concerts.json5`).
///
/// Every problem is collected and reported with the file, the entry and the field, so that one
/// run of `concertd check-config` shows all of them.
public struct CatalogLoader: Sendable {
    public init() {}

    public func load(path: String) throws(CatalogError) -> Catalog {
        let data: Data
        do {
            data = try FileContents.read(path)
        } catch {
            throw CatalogError(
                file: path,
                problems: [
                    "cannot read the file: \(error.reason) (to read another, set catalog in concertd.conf or pass --catalog)"
                ])
        }
        return try load(data: data, file: path)
    }

    public func load(data: Data, file: String) throws(CatalogError) -> Catalog {
        let root: JSONValue
        do {
            let decoder = JSONDecoder()
            decoder.allowsJSON5 = true
            root = try decoder.decode(JSONValue.self, from: data)
        } catch {
            // Foundation does not say where: the scanner finds the place of the first error.
            if let syntax = JSON5SyntaxError.find(in: data) {
                throw CatalogError(file: file, problems: ["not valid JSON5 at \(syntax)"])
            }
            throw CatalogError(file: file, problems: ["not valid JSON5: \(Self.describe(error))"])
        }
        if let duplicate = JSON5SyntaxError.find(in: data), duplicate.isDuplicateKey {
            throw CatalogError(file: file, problems: ["at \(duplicate)"])
        }
        var problems: [String] = []
        let catalog = parse(root, problems: &problems)
        guard problems.isEmpty, let catalog else {
            throw CatalogError(file: file, problems: problems)
        }
        return catalog
    }

    static func describe(_ error: any Error) -> String {
        var parts: [String] = []
        var current: (any Error)? = error
        while let e = current {
            if case DecodingError.dataCorrupted(let context) = e {
                parts.append(context.debugDescription)
                current = context.underlyingError
            } else {
                let ns = e as NSError
                parts.append((ns.userInfo[NSDebugDescriptionErrorKey] as? String) ?? "\(e)")
                current = ns.userInfo[NSUnderlyingErrorKey] as? any Error
            }
        }
        return parts.joined(separator: ": ")
    }

    private func parse(_ root: JSONValue, problems: inout [String]) -> Catalog? {
        guard case .object(let top) = root else {
            problems.append("the file must hold one object with `cities` and `concerts`")
            return nil
        }
        var reader = FieldReader(entry: "top level", object: top)
        let version = reader.int("version")
        if let version, version != 1 {
            reader.problem("version", "is \(version); this concertd reads catalog version 1")
        }
        let infoURL = reader.string("info_url") ?? ""
        let cityValues = reader.array("cities") ?? []
        let concertValues = reader.array("concerts") ?? []
        reader.rejectUnknown(allowed: ["version", "info_url", "cities", "concerts", "source"])
        problems += reader.problems

        var cities: [City] = []
        var seenKeys: [String: String] = [:]
        for (index, value) in cityValues.enumerated() {
            guard let city = parseCity(value, index: index, problems: &problems) else { continue }
            if cities.contains(where: { $0.id == city.id }) {
                problems.append("city '\(city.id)': the id is used twice")
                continue
            }
            for key in city.lookupKeys {
                if let other = seenKeys[key], other != city.id {
                    problems.append("city '\(city.id)': the name '\(key)' also names city '\(other)'")
                }
                seenKeys[key] = city.id
            }
            cities.append(city)
        }

        var concerts: [Concert] = []
        for (index, value) in concertValues.enumerated() {
            guard let concert = parseConcert(value, index: index, cities: cities, problems: &problems) else {
                continue
            }
            if concerts.contains(where: { $0.id == concert.id }) {
                problems.append("concert '\(concert.id)': the id is used twice")
                continue
            }
            concerts.append(concert)
        }
        return Catalog(cities: cities, concerts: concerts, infoURL: infoURL)
    }

    private func parseCity(_ value: JSONValue, index: Int, problems: inout [String]) -> City? {
        guard case .object(let object) = value else {
            problems.append("cities[\(index)]: must be an object, found \(value.catalogTypeName)")
            return nil
        }
        var reader = FieldReader(entry: "cities[\(index)]", object: object)
        let id = reader.identifier("id")
        if let id { reader.entry = "city '\(id)'" }
        let ko = reader.string("ko")
        let full = reader.string("ko_full")
        let en = reader.string("en")
        let aliases = reader.stringArray("aliases", required: false) ?? []
        reader.rejectUnknown(allowed: ["id", "ko", "ko_full", "en", "aliases"])
        problems += reader.problems
        guard let id, let ko, let full, let en, reader.problems.isEmpty else { return nil }
        return City(id: id, shortName: ko, fullName: full, englishName: en, aliases: aliases)
    }

    private func parseConcert(_ value: JSONValue, index: Int, cities: [City], problems: inout [String]) -> Concert? {
        guard case .object(let object) = value else {
            problems.append("concerts[\(index)]: must be an object, found \(value.catalogTypeName)")
            return nil
        }
        var reader = FieldReader(entry: "concerts[\(index)]", object: object)
        let id = reader.identifier("id")
        if let id { reader.entry = "concert '\(id)'" }
        let cityIDs = reader.stringArray("cities", required: true) ?? []
        if case .array(let items)? = object["cities"], items.isEmpty {
            reader.problem("cities", "must name at least one city")
        }
        for cityID in cityIDs where !cities.contains(where: { $0.id == cityID }) {
            reader.problem("cities", "names '\(cityID)', which is not a city of this catalog")
        }
        let programme = reader.localized("programme", required: false)
        let host = reader.localized("host", required: false)
        let title = reader.localized("title", required: false)
        let venue = reader.localized("venue", required: false)
        let speaker = reader.speaker("speaker")
        let notes = reader.stringArray("notes", required: false) ?? []
        let status = reader.optionalString("status").flatMap { text -> Concert.Status? in
            guard let status = Concert.Status(rawValue: text) else {
                reader.problem("status", "is '\(text)'; expected 'scheduled' or 'cancelled'")
                return nil
            }
            return status
        }
        let schedule = reader.schedule()
        reader.rejectUnknown(allowed: [
            "id", "cities", "programme", "host", "title", "venue", "speaker", "start", "end", "notes", "status",
        ])
        problems += reader.problems
        guard let id, let schedule, reader.problems.isEmpty else { return nil }
        return Concert(
            id: id, cities: cityIDs, programme: programme, host: host, title: title, venue: venue,
            speaker: speaker, schedule: schedule, notes: notes, status: status ?? .scheduled)
    }
}

/// Every problem found in a catalog file, each naming its entry and field.
public struct CatalogError: Error, CustomStringConvertible, Sendable {
    public var file: String
    public var problems: [String]

    public var description: String {
        problems.map { "\(file): \($0)" }.joined(separator: "\n")
    }
}

/// Reads typed fields from one JSON object, recording a problem for each missing or wrong one.
struct FieldReader {
    var entry: String
    let object: [String: JSONValue]
    var problems: [String] = []

    init(entry: String, object: [String: JSONValue]) {
        self.entry = entry
        self.object = object
    }

    mutating func problem(_ field: String, _ message: String) {
        problems.append("\(entry): field '\(field)' \(message)")
    }

    mutating func rejectUnknown(allowed: Set<String>) {
        for key in object.keys.sorted() where !allowed.contains(key) {
            problems.append("\(entry): unknown field '\(key)'")
        }
    }

    mutating func string(_ field: String) -> String? {
        guard let value = object[field] else {
            problem(field, "is missing")
            return nil
        }
        guard case .string(let text) = value else {
            problem(field, "must be a string, found \(value.catalogTypeName)")
            return nil
        }
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else {
            problem(field, "is empty")
            return nil
        }
        guard !hasControlCharacter(text, field) else { return nil }
        return text
    }

    /// Records a problem when `text` holds a control character, naming it by code point (the
    /// character itself could act on the terminal that shows the problem).
    mutating func hasControlCharacter(_ text: String, _ field: String) -> Bool {
        guard let scalar = text.firstControlCharacter else { return false }
        problem(
            field,
            "holds the \(scalar.controlCharacterKind) \(scalar.codePointName); write the text on one line without control characters or bidirectional controls"
        )
        return true
    }

    mutating func optionalString(_ field: String) -> String? {
        guard let value = object[field], value != .null else { return nil }
        return string(field)
    }

    mutating func identifier(_ field: String) -> String? {
        guard let id = string(field) else { return nil }
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789-")
        guard id.allSatisfy(allowed.contains), id.first?.isLetter == true, id.count <= 64 else {
            problem(field, "is '\(id)'; ids are lowercase letters, digits and '-', starting with a letter")
            return nil
        }
        return id
    }

    mutating func int(_ field: String) -> Int? {
        guard let value = object[field] else {
            problem(field, "is missing")
            return nil
        }
        switch value {
        case .int(let number):
            return Int(number)
        case .double(let number):
            // `Int(exactly:)`: a huge number or Infinity would trap in `Int(_:)`.
            guard let integer = Int(exactly: number) else {
                problem(field, "is \(number); it must be a whole number")
                return nil
            }
            return integer
        default:
            problem(field, "must be a whole number, found \(value.catalogTypeName)")
            return nil
        }
    }

    mutating func array(_ field: String) -> [JSONValue]? {
        guard let value = object[field] else {
            problem(field, "is missing")
            return nil
        }
        guard case .array(let items) = value else {
            problem(field, "must be a list, found \(value.catalogTypeName)")
            return nil
        }
        return items
    }

    mutating func stringArray(_ field: String, required: Bool) -> [String]? {
        guard let value = object[field] else {
            if required { problem(field, "is missing") }
            return nil
        }
        guard case .array(let items) = value else {
            problem(field, "must be a list of strings, found \(value.catalogTypeName)")
            return nil
        }
        var strings: [String] = []
        for (index, item) in items.enumerated() {
            guard case .string(let text) = item else {
                problem("\(field)[\(index)]", "must be a string, found \(item.catalogTypeName)")
                continue
            }
            if hasControlCharacter(text, "\(field)[\(index)]") { continue }
            strings.append(text)
        }
        return strings
    }

    mutating func localized(_ field: String, required: Bool) -> LocalizedText? {
        guard let value = object[field], value != .null else {
            if required { problem(field, "is missing") }
            return nil
        }
        guard case .object(let inner) = value else {
            problem(field, "must be an object with 'ko' and 'en', found \(value.catalogTypeName)")
            return nil
        }
        var sub = FieldReader(entry: entry, object: inner)
        let ko = sub.string("ko")
        let en = sub.string("en")
        sub.rejectUnknown(allowed: ["ko", "en"])
        problems += sub.problems.map { $0.replacingOccurrences(of: "field '", with: "field '\(field).") }
        guard let ko, let en else { return nil }
        return LocalizedText(ko: ko, en: en)
    }

    mutating func speaker(_ field: String) -> Speaker? {
        guard let value = object[field], value != .null else { return nil }
        guard case .object(let inner) = value else {
            problem(
                field, "must be an object with affiliation, name and role (or null), found \(value.catalogTypeName)")
            return nil
        }
        var sub = FieldReader(entry: entry, object: inner)
        let affiliation = sub.localized("affiliation", required: true)
        let name = sub.localized("name", required: true)
        let role = sub.localized("role", required: true)
        sub.rejectUnknown(allowed: ["affiliation", "name", "role"])
        problems += sub.problems.map { $0.replacingOccurrences(of: "field '", with: "field '\(field).") }
        guard let affiliation, let name, let role else { return nil }
        return Speaker(affiliation: affiliation, name: name, role: role)
    }

    /// The years a concert's dates may fall in, as over the control socket (`ParamRange.year`).
    static let years = 2000...2099

    /// `start` and `end`: both instants (`2019-10-29T14:00+09:00`) or both dates (`2019-10-27`).
    mutating func schedule() -> ConcertSchedule? {
        guard let startText = string("start"), let endText = string("end") else { return nil }
        let start: KoreaTime.Moment
        let end: KoreaTime.Moment
        do throws(KoreaTime.MomentError) {
            start = try KoreaTime.moment(startText)
        } catch {
            problem("start", "is '\(startText)', which \(error.reason)")
            return nil
        }
        do throws(KoreaTime.MomentError) {
            end = try KoreaTime.moment(endText)
        } catch {
            problem("end", "is '\(endText)', which \(error.reason)")
            return nil
        }
        for (field, text, moment) in [("start", startText, start), ("end", endText, end)] {
            let year =
                switch moment {
                case .instant(let instant): KoreaTime.localDate(of: instant).year
                case .date(let day): day.year
                }
            guard Self.years.contains(year) else {
                problem(
                    field,
                    "is '\(text)'; dates fall in the years \(Self.years.lowerBound) to \(Self.years.upperBound) (Korea time)"
                )
                return nil
            }
        }
        switch (start, end) {
        case (.instant(let s), .instant(let e)):
            guard e > s else {
                problem("end", "is '\(endText)', not after the start '\(startText)'")
                return nil
            }
            return .timed(start: s, end: e)
        case (.date(let s), .date(let e)):
            guard e >= s else {
                problem("end", "is '\(endText)', before the start '\(startText)'")
                return nil
            }
            return .dateOnly(first: s, last: e)
        default:
            problem("end", "must be written like 'start': both with a time or both dates only")
            return nil
        }
    }
}

extension JSONValue {
    /// The value's type as the catalog's problems name it: `a string`, `a list`, `null`.
    fileprivate var catalogTypeName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .int, .double: "a number"
        case .string: "a string"
        case .array: "a list"
        case .object: "an object"
        }
    }
}
