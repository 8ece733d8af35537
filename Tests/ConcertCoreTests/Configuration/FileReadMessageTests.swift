import Foundation
import Testing

@testable import ConcertCore

/// Every file the daemon reads says why it cannot be read in plain words: a directory is "a
/// directory", a read error is its strerror, and /dev/null is read (as empty), not "permission
/// denied".
@Suite(.timeLimit(.minutes(1))) struct FileReadMessageTests {
    let smtp = "smtp_url = smtp://mailer@mail.example.org:587\nmail_from = reminders@example.org\n"

    func configurationProblems(_ path: String) -> [String] {
        do {
            _ = try ConfigurationLoader(environment: [:]).load(path: path)
            return []
        } catch {
            return error.problems.map(\.description)
        }
    }

    func catalogProblems(_ path: String) -> [String] {
        do {
            _ = try CatalogLoader().load(path: path)
            return []
        } catch {
            return error.problems
        }
    }

    func contentProblems(_ text: String) -> [String] {
        do {
            _ = try ConfigurationLoader(environment: [:]).load(contents: text, file: "c.conf")
            return []
        } catch {
            return error.problems.map(\.description)
        }
    }

    @Test func aDirectoryIsSaidToBeADirectory() throws {
        let directory = try TemporaryDirectory()
        #expect(configurationProblems(directory.path) == ["\(directory.path): cannot read the file: it is a directory"])
        #expect(catalogProblems(directory.path).first?.hasPrefix("cannot read the file: it is a directory") == true)
        let password = contentProblems(smtp + "smtp_password_file = \(directory.path)\n")
        #expect(password.first?.hasSuffix("cannot read the password file \(directory.path): it is a directory") == true)
        let bundle = contentProblems("http_ca_bundle = \(directory.path)\n")
        #expect(bundle.first?.hasSuffix("cannot read the CA bundle \(directory.path): it is a directory") == true)
    }

    @Test func aTemplateThatIsADirectoryIsSaidToBeOne() throws {
        let directory = try TemporaryDirectory()
        let template = directory.path + "/" + MessageRenderer.fileNames[0]
        try FileManager.default.createDirectory(atPath: template, withIntermediateDirectories: false)
        let problems = MessageRenderer(directory: directory.path).problems
        #expect(problems.map(\.reason).contains { $0.hasPrefix("cannot be read: it is a directory") }, "\(problems)")
    }

    @Test func aReadErrorIsItsStrerror() {
        // /proc/self/mem opens, but reading its first page fails with EIO.
        #expect(
            configurationProblems("/proc/self/mem") == ["/proc/self/mem: cannot read the file: input/output error"])
        #expect(catalogProblems("/proc/self/mem").first?.hasPrefix("cannot read the file: input/output error") == true)
    }

    @Test func devNullIsAnEmptyFileNotPermissionDenied() throws {
        #expect(configurationProblems("/dev/null") == [])
        #expect(!catalogProblems("/dev/null").contains { $0.contains("permission denied") })
    }

    @Test func aMissingFileIsNoSuchFile() throws {
        let directory = try TemporaryDirectory()
        #expect(
            configurationProblems(directory.path + "/absent")
                == ["\(directory.path)/absent: cannot read the file: no such file"])
    }

    @Test func aFIFOIsRefusedWithoutWaitingOnIt() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/fifo"
        #expect(mkfifo(path, 0o600) == 0)
        #expect(configurationProblems(path) == ["\(path): cannot read the file: it is a FIFO, not a file"])
    }
}
