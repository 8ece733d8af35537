import Foundation

/// What Python's `email` and `icalendar` packages read from a message (`Tests/Peers/parse_email.py`).
struct ParsedEmail: Decodable {
    struct Part: Decodable {
        var contentType: String
        var charset: String?
        var transferEncoding: String
        var disposition: String?
        var filename: String?
        var method: String?
        var content: String
    }

    struct Moment: Decodable, Equatable {
        var kind: String
        var iso: String
        var utcOffsetSeconds: Int?
    }

    struct Calendar: Decodable {
        var method: String
        var version: String
        var productID: String
        var errors: [String]
        var eventCount: Int
        var timeZoneIDs: [String]
        var uid: String
        var sequence: Int
        var status: String
        var summary: String
        var location: String?
        var description: String
        var url: String
        var organizer: String
        var attendee: String
        var start: Moment
        var end: Moment
        var stamp: Moment
    }

    var defects: [String]
    var subject: String
    var fromName: String
    var fromAddress: String
    var to: [String]
    var replyTo: [String]?
    var replyToNames: [String]?
    /// The display names decoded as RFC 2047 §6.2 says (``replyToNames`` are Python's `headerregistry`'s).
    var fromNameRFC2047: String
    var replyToNamesRFC2047: [String]?
    var messageID: String
    var date: String
    var mimeVersion: String
    var autoSubmitted: String
    var listUnsubscribe: String?
    var listUnsubscribePost: String?
    var contentType: String
    var structure: [String]
    var parts: [Part]
    var calendar: Calendar?

    func part(_ contentType: String) -> Part? {
        parts.first { $0.contentType == contentType }
    }
}

/// Runs the Python peer on a message's bytes.
enum PythonEmailPeer {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static let script = Fixtures.repositoryRoot.appendingPathComponent("Tests/Peers/parse_email.py").path

    static func parse(_ message: Data) throws -> ParsedEmail {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script]
        let input = Pipe()
        let output = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        input.fileHandleForWriting.write(message)
        try input.fileHandleForWriting.close()
        let json = output.fileHandleForReading.readDataToEndOfFile()
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "parse_email.py failed: " + String(decoding: stderr, as: UTF8.self))
        }
        return try JSONDecoder().decode(ParsedEmail.self, from: json)
    }
}
