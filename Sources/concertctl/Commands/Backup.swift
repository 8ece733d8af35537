import ArgumentParser
import ConcertProtocol
import ConcertShared
import Foundation
import Glibc

extension ConcertCtl {
    struct Backup: ControlCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy the database into a new file, consistently, while the daemon runs.",
            discussion: """
                The daemon copies its database with SQLite's online backup (what one read transaction sees; \
                reminders go on being sent meanwhile) into its state directory, and concertctl reads the copy \
                over the socket into FILE: created mode 0600, owned by whoever runs concertctl, never over an \
                existing file, and given its name only once complete and on disk. Only root and the daemon's \
                user may take a backup: it holds every webhook URL and signing secret. On a terminal, progress \
                is shown on standard error. See docs/service.md for restoring one. A store on PostgreSQL \
                (database_url) is not copied: the daemon refuses (exit 1, conflict), naming the pg_dump command \
                for its database.
                """)

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The new file to write; it must not exist.", completion: .file())
        var file: String

        func validate() throws {
            guard !file.isEmpty else { throw ValidationError("the backup file's name is empty") }
        }

        func run(in context: CommandContext) async throws {
            var info = stat()
            guard lstat(file, &info) != 0 else {
                context.output.error("cannot write the backup to \(file): it exists; it is never overwritten")
                throw ExitCode(73)
            }
            let target = try BackupTarget(for: file, in: context)
            do {
                let progress = ProgressLine(context)
                let made = try await makeCopy(progress: progress, in: context)
                try await receive(made.result, into: target, progress: progress, in: context)
                progress.clear()
                try target.finish(in: context)
                emit(made.raw, in: context) {
                    context.output.line(
                        "backed up the database (schema \(made.result.schemaVersion), \(Self.mebibytes(made.result.size)) MiB) to \(file)"
                    )
                }
            } catch {
                target.abandon()
                throw error
            }
        }

        /// Asks the daemon for a copy, watching it with `status` meanwhile: a large database takes
        /// longer to copy than `--timeout`.
        private func makeCopy(progress: ProgressLine, in context: CommandContext) async throws -> (
            result: BackupResult, raw: JSONValue
        ) {
            progress.show("concertd is copying the database", force: true)
            let reply: ControlReply
            do {
                reply = try await watchedExchange(
                    ControlMethods.backup, NoParams(), ping: ControlMethods.status, NoParams(), in: context
                ) { _ in
                    progress.show("concertd is copying the database, \(Int(progress.elapsed)) s")
                }
            } catch let error as ControlClientError {
                progress.clear()
                let location = SocketLocation.resolve(flag: global.socket, context: context)
                context.output.error(Self.unreachableMessage(error, location: location))
                throw ExitCode(69)
            }
            switch reply.outcome {
            case .failure(let error):
                progress.clear()
                context.output.error("\(error.message) [\(error.code.name)]")
                throw ExitCode.failure
            case .success(let raw):
                do {
                    return (try reply.decodeResult(as: BackupResult.self), raw)
                } catch {
                    progress.clear()
                    context.output.error("\(error.message)")
                    throw ExitCode.failure
                }
            }
        }

        /// Reads the copy piece by piece into `target`.
        private func receive(
            _ copy: BackupResult, into target: BackupTarget, progress: ProgressLine, in context: CommandContext
        ) async throws {
            let started = progress.elapsed
            var offset: Int64 = 0
            while true {
                let piece = try await call(
                    ControlMethods.backupRead, BackupReadParams(backup: copy.backup, offset: offset), in: context
                ).result
                guard piece.offset == offset, let bytes = Data(base64Encoded: piece.data),
                    bytes.count > 0 || piece.end, offset + Int64(bytes.count) <= copy.size
                else {
                    progress.clear()
                    context.output.error("concertd sent a piece of the backup that does not fit at byte \(offset)")
                    throw ExitCode.failure
                }
                try target.write(bytes, in: context)
                offset += Int64(bytes.count)
                progress.show(
                    Self.describe(received: offset, of: copy.size, seconds: progress.elapsed - started),
                    force: piece.end)
                if piece.end { break }
            }
            guard offset == copy.size else {
                progress.clear()
                context.output.error("the backup ended after \(offset) of \(copy.size) bytes")
                throw ExitCode.failure
            }
        }

        /// `received 120.0 of 612.3 MiB (19%), 80.1 MiB/s, 6 s left`.
        static func describe(received: Int64, of total: Int64, seconds: Double) -> HumanText {
            let percent = total > 0 ? min(100, received * 100 / total) : 100
            var text = "received \(mebibytes(received)) of \(mebibytes(total)) MiB (\(percent)%)"
            if seconds >= 0.5, received > 0 {
                let rate = Double(received) / seconds
                text += ", \(String(format: "%.1f", rate / 1_048_576)) MiB/s"
                if received < total {
                    text += ", \(Display.remaining(seconds: Double(total - received) / rate)) left"
                }
            }
            return "\(text)"
        }

        static func mebibytes(_ bytes: Int64) -> String {
            String(format: "%.1f", Double(bytes) / 1_048_576)
        }
    }
}

/// Where `backup FILE` writes: a hidden file beside FILE (mode 0600, made with `O_EXCL`), given
/// the name FILE only once every byte is on disk, and never over a file that appeared meanwhile.
final class BackupTarget {
    let path: String
    let partial: String
    private var descriptor: Int32

    init(for path: String, in context: CommandContext) throws {
        self.path = path
        let url = URL(fileURLWithPath: path)
        partial =
            url.deletingLastPathComponent().appendingPathComponent(
                ".\(url.lastPathComponent).partial-\(UInt32.random(in: 0...UInt32.max))"
            ).path
        descriptor = open(partial, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else {
            context.output.error("cannot write the backup to \(path): \(String(cString: strerror(errno)))")
            throw ExitCode(73)
        }
        // The umask may have taken bits away; 0600 is what the file must have.
        fchmod(descriptor, 0o600)
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    func write(_ bytes: Data, in context: CommandContext) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                context.output.error("cannot write the backup to \(partial): \(String(cString: strerror(errno)))")
                throw ExitCode(74)
            }
            offset += written
        }
    }

    /// Makes the file durable and gives it its name.
    func finish(in context: CommandContext) throws {
        guard fsync(descriptor) == 0, close(descriptor) == 0 else {
            context.output.error("cannot write the backup to disk: \(String(cString: strerror(errno)))")
            throw ExitCode(74)
        }
        descriptor = -1
        // `link` fails rather than replace a file that appeared since the start.
        guard link(partial, path) == 0 else {
            context.output.error("cannot name the backup \(path): \(String(cString: strerror(errno)))")
            throw ExitCode(73)
        }
        unlink(partial)
        let folder = open(URL(fileURLWithPath: path).deletingLastPathComponent().path, O_RDONLY | O_DIRECTORY)
        if folder >= 0 {
            fsync(folder)
            close(folder)
        }
    }

    /// Removes what was written: the backup did not complete.
    func abandon() {
        if descriptor >= 0 {
            close(descriptor)
            descriptor = -1
        }
        unlink(partial)
    }
}
