import Foundation

/// The one place that masks secrets before text leaves concertd: a log line, an error, a
/// delivery's `last_error`, a `test` reply, a listing, libcurl's messages and server replies.
///
/// It hides, in any free text:
/// - every URL: http(s) ones as ``WebhookURL/masked(_:)`` shows them (scheme, host, a masked
///   path: chat webhook URLs carry their token in the path or query), `smtp://user:password@…`
///   without its password, `postgresql://` as the store is named everywhere (`host:port/name`,
///   no user, password or query), any other scheme without its user information, path or query;
/// - Standard Webhooks signing secrets (`whsec_…`), Telegram bot tokens (`123456:AA…`),
///   `Bearer` tokens and `sig=`, `token=`, `key=`, `secret=`, `password=` parameters;
/// - every known secret (the SMTP password; a subscription's webhook URL and signing secret)
///   wherever it appears. For a URL that is also its path, its query and each token-like part of
///   them (in case a receiver quotes `Cannot POST /services/T0/B0/XXXX`); for a signing secret,
///   its key without `whsec_`. A known secret is found in every form a receiver may echo it in:
///   as it is or percent-decoded; percent-encoded (`%2F`, `%2f`, `%252F`), JSON-escaped (`\/`,
///   `\u002F`), HTML-escaped (`&#x2F;`, `&#47;`, `&amp;`) or form-encoded (`+`), byte by byte in
///   any mix, and in any letter case. A text that ends in the first characters of a token, a password or a signing secret
///   (a quote cut short) has those masked too.
public struct SecretRedactor: Sendable {
    /// Secrets hidden wherever they appear, longest first so that none is partly revealed.
    public private(set) var knownSecrets: [String] = []
    /// ``knownSecrets`` as the matcher reads them, in the same order.
    private var patterns: [Pattern] = [] {
        didSet { startingWith = Self.startTable(of: patterns) }
    }
    /// For each byte, the indices in ``patterns`` (longest first) of the secrets an occurrence of
    /// which may start with it: most bytes of a text are passed over by this one lookup.
    private var startingWith = startTable(of: [])

    public init(knownSecrets: [String] = []) {
        for secret in knownSecrets { register(secret) }
    }

    /// A redactor that knows the configuration's secrets (the SMTP password).
    public init(configuration: DaemonConfiguration) {
        self.init(knownSecrets: configuration.secrets)
    }

    /// Adds a secret to hide from now on; an empty string is ignored.
    public mutating func register(_ secret: String) {
        for part in Self.hiddenParts(of: secret) {
            for form in [part] + Self.encodedForms(of: part) where !knownSecrets.contains(form) {
                knownSecrets.append(form)
            }
        }
        knownSecrets.sort { $0.utf8.count > $1.utf8.count }
        patterns = knownSecrets.map(Pattern.init)
    }

    /// This redactor with `secrets` hidden as well, such as a subscription's URL and signing secret.
    public func hiding(_ secrets: [String]) -> SecretRedactor {
        var copy = self
        for secret in secrets { copy.register(secret) }
        return copy
    }

    /// `text` with every secret masked; `extra` are further secrets known only to the caller,
    /// such as the URL and signing secret of the subscription whose send just failed.
    public func redact(_ text: String, alsoHiding extra: [String] = []) -> String {
        let redactor = extra.isEmpty ? self : hiding(extra)
        return Self.maskKnown(
            redactor.patterns, startingWith: redactor.startingWith,
            in: Self.maskPatterns(in: Self.maskURLs(in: text)))
    }

    /// A URL as it may be shown: scheme, host and port, with its user's password, its path and
    /// its query masked (`https://hooks.slack.com/services/***`, `smtp://me@mail.example.com:587`);
    /// a PostgreSQL store's as `postgresql://host:port/name`.
    public static func mask(url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return WebhookURL.masked(url) }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        switch scheme {
        case "http", "https":
            return WebhookURL.masked(url)
        case "smtp", "smtps":
            let rest = url[schemeEnd.upperBound...]
            let authorityEnd = rest.firstIndex(where: { "/?#".contains($0) }) ?? rest.endIndex
            var authority = rest[..<authorityEnd]
            var user = ""
            if let at = authority.lastIndex(of: "@") {
                let userInfo = authority[..<at]
                let name = userInfo.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)[0]
                user = String(name) + (userInfo.contains(":") ? ":\(Secret.placeholder)@" : "@")
                authority = authority[authority.index(after: at)...]
            }
            let tail = rest[authorityEnd...]
            return "\(scheme)://\(user)\(authority)" + (tail.isEmpty || tail == "/" ? "" : "/***")
        case "postgresql", "postgres":
            return maskDatabase(url[schemeEnd.upperBound...])
        default:
            return WebhookURL.masked(url)
        }
    }

    /// A PostgreSQL URL after its `://` as the store is named in the journal, `status` and
    /// `check-config`: `postgresql://host:port/name`, the port PostgreSQL's 5432 when none is
    /// given; the user information (a password in it was refused, but an error may quote it) and
    /// the query are left out. The database's name is no secret.
    private static func maskDatabase(_ rest: Substring) -> String {
        let authorityEnd = rest.firstIndex(where: { "/?#".contains($0) }) ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        let bracketed = authority.hasPrefix("[")
        let hasPort = bracketed ? authority.contains("]:") : authority.contains(":")
        var path = rest[authorityEnd...]
        if path.hasPrefix("/") { path = path.dropFirst() } else { path = "" }
        let name = path.prefix { !"?#/".contains($0) }
        return "postgresql://\(authority)" + (hasPort ? "" : ":5432") + "/\(name)"
    }

    // MARK: What a secret hides

    /// A secret and the parts of it that are secret on their own.
    ///
    /// For a URL: its path, its query, the path with the query, and the token-like parts of both
    /// (path segments, their pieces around `:` and `@`, a `bot…` segment without `bot`, query
    /// values), each also percent-decoded. For a `whsec_` signing secret: its key alone.
    static func hiddenParts(of secret: String) -> [String] {
        guard !secret.isEmpty else { return [] }
        var parts = [secret]
        if secret.hasPrefix("whsec_"), secret.count > 6 { parts.append(String(secret.dropFirst(6))) }
        if secret.contains("://"), let components = URLComponents(string: secret), components.host != nil {
            let path = components.percentEncodedPath
            let query = components.percentEncodedQuery ?? ""
            if path.count > 1 { parts.append(path) }
            if !query.isEmpty { parts += [query, path + "?" + query] }
            let segments = path.split(separator: "/").map(String.init)
            var pieces = segments
            for segment in segments {
                let split = segment.split(whereSeparator: { $0 == ":" || $0 == "@" }).map(String.init)
                if split.count > 1 { pieces += split }
            }
            pieces += pieces.filter { $0.hasPrefix("bot") }.map { String($0.dropFirst(3)) }
            pieces += (components.percentEncodedQueryItems ?? []).compactMap(\.value)
            parts += pieces.filter(isTokenLike)
        }
        for part in parts {
            if let decoded = part.removingPercentEncoding, decoded != part { parts.append(decoded) }
        }
        var unique: [String] = []
        for part in parts where (part == secret || part.utf8.count >= 4) && !unique.contains(part) {
            unique.append(part)
        }
        return unique
    }

    /// The base64 and hex forms of a secret part, which a receiver may echo it in (`Cannot POST
    /// L20vYjY0L1Qw…`, `2f6d2f686578…`): its hex digits (the matcher ignores letter case), and its
    /// base64 forms (``base64Forms(of:)``).
    static func encodedForms(of part: String) -> [String] {
        let bytes = Array(part.utf8)
        var forms = base64Forms(of: bytes)
        if bytes.count >= 4 { forms.append(bytes.map { String(format: "%02x", $0) }.joined()) }
        return forms
    }

    /// The base64 forms of `secret`, standard and URL-safe (`-_` for `+/`, padding dropped): its
    /// whole encoding, and the run of characters that only its bytes determine at each of the
    /// three alignments a 3-byte group can give it, which hides it inside a longer encoded text
    /// (`Cannot POST /m/…` encoded whole). Only runs of 8 characters or more, so that a short
    /// secret does not mask ordinary words.
    static func base64Forms(of secret: [UInt8]) -> [String] {
        guard !secret.isEmpty else { return [] }
        var forms = [Data(secret).base64EncodedString()]
        for offset in 0..<3 {
            let encoded = Array(Data(Array(repeating: 0, count: offset) + secret).base64EncodedString().utf8)
            // Character j holds bits 6j..<6j+6; the secret's bits are 8·offset..<8·(offset+count).
            let first = (8 * offset + 5) / 6
            let end = 8 * (offset + secret.count) / 6
            guard end - first >= 8, end <= encoded.count else { continue }
            forms.append(String(decoding: encoded[first..<end], as: UTF8.self))
        }
        for form in forms {
            let urlSafe = String(
                form.map { $0 == "+" ? "-" : $0 == "/" ? "_" : $0 }.filter { $0 != "=" })
            if urlSafe != form, !forms.contains(urlSafe) { forms.append(urlSafe) }
        }
        return forms
    }

    /// A part of a URL that may be a token: at least 6 characters with a digit, or at least 16.
    static func isTokenLike(_ piece: String) -> Bool {
        piece.count >= 16 || (piece.count >= 6 && piece.contains(where: \.isNumber))
    }

    // MARK: Secrets recognised by their shape

    /// Replaces each URL found in free text by ``mask(url:)``.
    static func maskURLs(in text: String) -> String {
        guard text.contains("://") else { return text }
        let schemeCharacters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-")
        let stops = Set(" \t\r\n\"'<>`{}|\\^")
        let trailing = Set(".,;:!?)]")
        var result = ""
        var rest = Substring(text)
        while let separator = rest.range(of: "://") {
            var start = separator.lowerBound
            while start > rest.startIndex, schemeCharacters.contains(rest[rest.index(before: start)]) {
                start = rest.index(before: start)
            }
            while start < separator.lowerBound, !rest[start].isLetter { start = rest.index(after: start) }
            var end = rest[separator.upperBound...].firstIndex(where: stops.contains) ?? rest.endIndex
            while end > separator.upperBound, trailing.contains(rest[rest.index(before: end)]) {
                end = rest.index(before: end)
            }
            result += rest[..<start]
            if start == separator.lowerBound {
                result += rest[start..<separator.upperBound]
            } else {
                result += mask(url: String(rest[start..<end]))
            }
            rest = rest[(start == separator.lowerBound ? separator.upperBound : end)...]
        }
        return result + rest
    }

    /// Masks secrets recognisable by their shape.
    static func maskPatterns(in text: String) -> String {
        var result = text
        // Each pattern only runs when its cheap marker is present: this is on every log line.
        if result.contains("whsec_") {
            result.replace(#/whsec_[A-Za-z0-9+\/=_-]+/#, with: "whsec_***")
        }
        if result.contains(":") {
            result.replace(#/[0-9]{5,}:[A-Za-z0-9_-]{30,}/#, with: Secret.placeholder)
        }
        if result.range(of: "bearer", options: .caseInsensitive) != nil {
            result.replace(#/(?i)\b(bearer)\s+[A-Za-z0-9._~+\/=-]+/#) { match in "\(match.output.1) ***" }
        }
        if result.contains("=") {
            result.replace(
                #/(?i)\b(sig|signature|token|key|secret|password|passwd|access_token|api_key|apikey)=[^&\s"']+/#
            ) { match in "\(match.output.1)=***" }
        }
        return result
    }

    // MARK: Known secrets in any echoed form

    /// A known secret as the matcher reads it.
    private struct Pattern: Sendable {
        var bytes: [UInt8]
        /// Whether a text ending in its first bytes has them masked: true for tokens, passwords
        /// and signing secrets, whose start is secret; false for URLs and paths, whose start is
        /// the scheme, host or a fixed word and whose tokens are hidden on their own.
        var masksCutOff: Bool

        init(_ secret: String) {
            bytes = Array(secret.utf8)
            masksCutOff = !secret.contains("://") && !secret.hasPrefix("/")
        }
    }

    /// For each byte, the indices of the `patterns` an occurrence of which may start with it: its
    /// first byte in either case, or the first byte of an escaped form (``escapeStarts``), in order.
    private static func startTable(of patterns: [Pattern]) -> [[Int]] {
        var table = [[Int]](repeating: [], count: 256)
        for (index, pattern) in patterns.enumerated() {
            let first = folded(pattern.bytes[0])
            table[first].append(index)
            if (0x61...0x7A).contains(first) { table[first - 0x20].append(index) }
            for byte in escapeStarts { table[Int(byte)].append(index) }
        }
        return table
    }

    /// The first bytes of the escaped forms of a byte.
    private static let escapeStarts: Set<UInt8> = [
        UInt8(ascii: "%"), UInt8(ascii: "\\"), UInt8(ascii: "&"), UInt8(ascii: "+"),
    ]

    /// The longest escaped form of one byte: `&#x0002F;`.
    private static let longestEscape = 10

    /// How many bytes of a secret a text must end in before they are masked as a cut-off quote.
    private static let cutOffMinimum = 4

    /// A secret of at least this many bytes has its first ``truncatedQuoteMinimum`` bytes or more
    /// masked wherever they appear, not only at the end of the text: the rest of the secret, at
    /// least 4 bytes, was never shown.
    private static let truncatedSecretMinimum = 12

    /// How many first bytes of a long secret are masked as a truncated quote.
    private static let truncatedQuoteMinimum = 8

    /// The length of the space, tab or line break at `position`, raw or JSON-escaped (`\n`), or `nil`.
    private static func whitespaceLength(in text: [UInt8], at position: Int) -> Int? {
        guard position < text.count else { return nil }
        switch text[position] {
        case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n"):
            return 1
        case UInt8(ascii: "\\") where position + 1 < text.count:
            return [UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t")].contains(text[position + 1]) ? 2 : nil
        default:
            return nil
        }
    }

    /// `text` with each occurrence of a known secret, in any echoed form, replaced by the placeholder.
    private static func maskKnown(_ patterns: [Pattern], startingWith: [[Int]], in text: String) -> String {
        guard !patterns.isEmpty, !text.isEmpty else { return text }
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        var index = 0
        var copied = 0
        while index < bytes.count {
            let candidates = startingWith[Int(bytes[index])]
            guard !candidates.isEmpty,
                let end = candidates.lazy.compactMap({ match(patterns[$0], in: bytes, at: index) }).first
            else {
                index += 1
                continue
            }
            output += bytes[copied..<index]
            output += Array(Secret.placeholder.utf8)
            index = end
            copied = end
        }
        guard copied > 0 else { return text }
        output += bytes[copied...]
        return String(decoding: output, as: UTF8.self)
    }

    /// Where an occurrence of `pattern` that starts at `start` ends, or `nil` when none starts there.
    ///
    /// Each byte of the secret may appear in any of its echoed forms; the longest occurrence wins.
    /// When the text ends part-way (after at least ``cutOffMinimum`` bytes) a cut-off occurrence
    /// ends with the text.
    private static func match(_ pattern: Pattern, in text: [UInt8], at start: Int) -> Int? {
        let first = text[start]
        guard folded(first) == folded(pattern.bytes[0]) || escapeStarts.contains(first) else { return nil }
        var positions = [start]
        var next: [Int] = []
        var cutOff = false
        for (matched, byte) in pattern.bytes.enumerated() {
            next.removeAll(keepingCapacity: true)
            for position in positions {
                // The text ends here, or inside what may be an escaped form of this byte.
                if position == text.count
                    || (text.count - position < longestEscape && escapeStarts.contains(text[position]))
                {
                    if matched >= cutOffMinimum { cutOff = true }
                }
                guard position < text.count else { continue }
                forEachEnd(of: byte, in: text, at: position) { end in
                    if !next.contains(end) { next.append(end) }
                }
                // Spaces and line breaks between the secret's bytes (`X y Z`, a line wrapped).
                guard matched > 0 else { continue }
                var after = position
                while let skipped = whitespaceLength(in: text, at: after) { after += skipped }
                guard after > position, after < text.count else { continue }
                forEachEnd(of: byte, in: text, at: after) { end in
                    if !next.contains(end) { next.append(end) }
                }
            }
            if next.isEmpty {
                if cutOff && pattern.masksCutOff { return text.count }
                // A quote cut short inside the text (`XyZsecretTOKENvalu...`).
                if pattern.masksCutOff, pattern.bytes.count >= truncatedSecretMinimum, matched >= truncatedQuoteMinimum
                {
                    return positions.max()
                }
                return nil
            }
            swap(&positions, &next)
        }
        return positions.max()
    }

    /// Calls `found` with the end of each form of `byte` that starts at `position` of `text`.
    private static func forEachEnd(of byte: UInt8, in text: [UInt8], at position: Int, _ found: (Int) -> Void) {
        let first = text[position]
        if folded(first) == folded(byte) { found(position + 1) }
        switch first {
        case UInt8(ascii: "%"):
            if hexValue(text, from: position + 1, digits: 2).map(folded) == folded(byte) { found(position + 3) }
            if position + 2 < text.count, text[position + 1] == UInt8(ascii: "2"),
                text[position + 2] == UInt8(ascii: "5"),
                hexValue(text, from: position + 3, digits: 2).map(folded) == folded(byte)
            {
                found(position + 5)
            }
        case UInt8(ascii: "\\"):
            guard position + 1 < text.count else { return }
            let escape = text[position + 1]
            if escape == byte, byte == UInt8(ascii: "/") || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                found(position + 2)
            }
            if escape == UInt8(ascii: "u"), hexValue(text, from: position + 2, digits: 4).map(folded) == folded(byte) {
                found(position + 6)
            }
        case UInt8(ascii: "&"):
            if let (value, end) = htmlEntity(text, at: position), folded(value) == folded(byte) { found(end) }
        case UInt8(ascii: "+"):
            if byte == UInt8(ascii: " ") { found(position + 1) }
        default:
            break
        }
    }

    /// A byte or character value with ASCII letters in lower case: a receiver that lower-cases
    /// what it echoes still shows most of a token.
    private static func folded(_ value: some BinaryInteger) -> Int {
        let value = Int(value)
        return (0x41...0x5A).contains(value) ? value + 0x20 : value
    }

    /// The value of `digits` hexadecimal digits (either case) at `start`, or `nil`.
    private static func hexValue(_ text: [UInt8], from start: Int, digits: Int) -> Int? {
        guard start + digits <= text.count else { return nil }
        var value = 0
        for byte in text[start..<start + digits] {
            guard let digit = UInt8.hexDigitValue(byte) else { return nil }
            value = value * 16 + digit
        }
        return value
    }

    /// The character value of the HTML entity at `position` (`&#47;`, `&#x2F;`, `&amp;`, …) and its end.
    private static func htmlEntity(_ text: [UInt8], at position: Int) -> (value: Int, end: Int)? {
        guard let semicolon = text[position..<min(text.count, position + 10)].firstIndex(of: UInt8(ascii: ";")),
            semicolon > position + 1
        else { return nil }
        let name = String(decoding: text[(position + 1)..<semicolon], as: UTF8.self)
        let value: Int?
        if name.hasPrefix("#x") || name.hasPrefix("#X") {
            value = Int(name.dropFirst(2), radix: 16)
        } else if name.hasPrefix("#") {
            value = Int(name.dropFirst(), radix: 10)
        } else {
            value = namedEntities[name]
        }
        return value.map { ($0, semicolon + 1) }
    }

    private static let namedEntities: [String: Int] = [
        "amp": 0x26, "quot": 0x22, "apos": 0x27, "lt": 0x3C, "gt": 0x3E, "sol": 0x2F, "colon": 0x3A,
        "quest": 0x3F, "equals": 0x3D, "num": 0x23, "percnt": 0x25, "period": 0x2E, "lowbar": 0x5F, "hyphen": 0x2D,
    ]
}
