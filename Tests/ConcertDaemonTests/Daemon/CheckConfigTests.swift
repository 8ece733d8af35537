import Foundation
import Testing

/// `concertd check-config`, the built binary, as an administrator runs it before a start: every
/// file the daemon reads at start is checked, with the daemon's own loaders and renderer.
@Suite(.serialized, .timeLimit(.minutes(1))) struct CheckConfigTests {
    struct Outcome {
        var status: Int32
        var output: String
        var error: String
    }

    /// Runs `concertd check-config ARGUMENTS` in `directory` (its HOME and configuration directory).
    func checkConfig(_ arguments: [String], directory: String) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ConcertdBinaryTests.binary)
        process.arguments = ["check-config"] + arguments
        process.environment = [
            "HOME": directory, "CONFIGURATION_DIRECTORY": directory + "/etc", "PATH": "/usr/bin:/bin",
        ]
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(
            status: process.terminationStatus, output: String(decoding: out, as: UTF8.self),
            error: String(decoding: err, as: UTF8.self))
    }

    func write(_ text: String, to path: String) throws {
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    @Test func aBrokenTemplateIsReportedWithFileLineAndColumnAndFailsTheCheck() throws {
        let folder = TemporarySocket()
        defer { folder.remove() }
        let templates = folder.directory + "/templates"
        try write("Changed: {{title}}\n\nWhen: {{when}}\nWhere: {{venu}}\n", to: templates + "/change.en.mustache")
        try write("templates_directory = \(templates)\n", to: folder.directory + "/concertd.conf")
        let outcome = try checkConfig(
            [folder.directory + "/concertd.conf", "--catalog", TestDaemon.catalogPath], directory: folder.directory)
        #expect(outcome.status == 78)
        #expect(outcome.error.contains("\(templates)/change.en.mustache:4:8: "), "\(outcome.error)")
        #expect(outcome.error.contains("'venu'"))

        // Fixed, the same check passes and says what it checked.
        try write("Changed: {{title}}\n\nWhen: {{when}}\nWhere: {{venue}}\n", to: templates + "/change.en.mustache")
        let fixed = try checkConfig(
            [folder.directory + "/concertd.conf", "--catalog", TestDaemon.catalogPath], directory: folder.directory)
        #expect(fixed.status == 0, "\(fixed.error)")
        #expect(fixed.output.contains("templates: \(templates)"), "\(fixed.output)")
    }

    @Test func aConfiguredTemplatesDirectoryThatIsMissingFailsTheCheck() throws {
        let folder = TemporarySocket()
        defer { folder.remove() }
        try write("templates_directory = \(folder.directory)/nowhere\n", to: folder.directory + "/concertd.conf")
        let outcome = try checkConfig(
            [folder.directory + "/concertd.conf", "--catalog", TestDaemon.catalogPath], directory: folder.directory)
        #expect(outcome.status == 78)
        #expect(outcome.error.contains("\(folder.directory)/nowhere"), "\(outcome.error)")
    }

    @Test func theCatalogIsCheckedEvenWhenTheConfigurationHasProblems() throws {
        let folder = TemporarySocket()
        defer { folder.remove() }
        let catalog = folder.directory + "/concerts.json5"
        try write("{ version: 1,\n  cities: [ }\n", to: catalog)
        try write("colour = blue\ncatalog = \(catalog)\n", to: folder.directory + "/concertd.conf")
        let outcome = try checkConfig([folder.directory + "/concertd.conf"], directory: folder.directory)
        #expect(outcome.status == 78)
        #expect(outcome.error.contains("concertd.conf:1: key 'colour'"), "\(outcome.error)")
        #expect(outcome.error.contains("\(catalog): not valid JSON5"), "\(outcome.error)")
        #expect(outcome.error.contains("line 2"), "\(outcome.error)")

        // With the catalog key itself broken, the default catalog is checked, and the output says so.
        try write("catalog = relative/concerts.json5\n", to: folder.directory + "/concertd.conf")
        let fallback = try checkConfig([folder.directory + "/concertd.conf"], directory: folder.directory)
        #expect(fallback.status == 78)
        #expect(fallback.error.contains("\(folder.directory)/etc/concerts.json5"), "\(fallback.error)")
        #expect(fallback.output.contains("the default"), "\(fallback.output)")
    }
}
