import ArgumentParser
import ConcertProtocol
import Foundation

/// `subscribe --from FILE`: one `subscribe.bulk` request for a small file; for a larger one, its
/// chunks staged (`subscribe.bulk.stage`), then committed in one transaction
/// (`subscribe.bulk.commit`) while `subscribe.bulk.progress` shows the daemon is still at work.
extension ConcertCtl.Subscribe {
    /// How an import ended before its result: each is printed, and ends the command with `exit`.
    struct ImportStop: Error {
        var message: HumanText
        var exit: ExitCode
        /// Whether nothing was stored, so the secrets file holds the secrets of no subscription.
        var storedNothing: Bool
    }

    func importFile(_ path: String, in context: CommandContext) async throws {
        let text: String
        do {
            text = try InputFile.text(at: path, option: "--from")
        } catch {
            context.output.error("\(error.message)")
            throw ExitCode(66)
        }
        var lines = ImportChunks.lines(of: text)
        if lines.last == "" { lines.removeLast() }
        let chunks = try ImportChunks.split(lines)
        // Made before anything is sent: an import that needs it must not start without it.
        var secrets: SecretsFile?
        if let secretsFile {
            do {
                secrets = try SecretsFile(creating: secretsFile)
            } catch {
                context.output.error("\(error.message)")
                throw ExitCode(73)
            }
        }
        let progress = ProgressLine(context)
        var result: SubscribeBulkResult
        do {
            result =
                chunks.count == 1
                ? try await importAtOnce(chunks[0].lines, secrets: secrets, in: context)
                : try await importStaged(
                    chunks, lineCount: lines.count, secrets: secrets, progress: progress, in: context)
        } catch let stop as ImportStop {
            progress.clear()
            context.output.error(stop.message)
            if let secrets {
                if stop.storedNothing {
                    secrets.remove()
                    context.output.note("nothing was imported; \(secrets.path) is removed")
                } else {
                    context.output.note(
                        "\(secrets.path) holds the \(Display.plural(secrets.count, "generated signing secret")) of the lines, if they were stored"
                    )
                }
            }
            throw stop.exit
        } catch {
            // Any other end comes before the commit (an unreachable daemon while staging).
            progress.clear()
            if let secrets {
                secrets.remove()
                context.output.note("nothing was imported; \(secrets.path) is removed")
            }
            throw error
        }
        progress.clear()
        // Secrets in the result (one request's reply, or a commit of a daemon that ignored the
        // request to send them with each chunk) go to the file too. The subscriptions exist now:
        // if the file cannot take them, they are printed rather than lost.
        var unwritten: SecretsFile.Failure?
        if let secrets {
            do {
                try secrets.write(result.created)
                try secrets.sync()
                result.created = result.created.map { BulkCreatedSubscription(line: $0.line, id: $0.id) }
            } catch {
                unwritten = error
            }
        }
        report(result, from: path, secrets: unwritten == nil ? secrets : nil, in: context)
        if let unwritten {
            context.output.error("\(unwritten.message); the generated secrets are printed above instead")
            throw ExitCode(74)
        }
        if !result.rejected.isEmpty {
            context.output.error("\(Display.plural(result.rejected.count, "line")) rejected")
            throw ExitCode.failure
        }
    }

    private func report(
        _ result: SubscribeBulkResult, from path: String, secrets: SecretsFile?, in context: CommandContext
    ) {
        let raw = (try? JSONCoding.value(of: result)) ?? .null
        emit(raw, in: context) {
            context.output.line(
                "imported \(Display.plural(result.imported, "subscription")) from \(path); \(result.rejected.count) rejected"
            )
            for created in result.created {
                context.output.line(
                    "line \(created.line): \(created.id)\(created.secret.map { " secret: \($0)" } ?? "")")
            }
            for rejected in result.rejected {
                context.output.line("line \(rejected.line): rejected: \(rejected.reason)")
            }
        }
        if let secrets {
            context.output.note(
                "\(Display.plural(secrets.count, "generated signing secret")) written to \(secrets.path)")
        }
        for warning in result.warnings { context.output.warning("\(warning)") }
    }

    /// Where generated secrets go: in the replies when there is a file for them, else nowhere.
    private func secretsMode(_ secrets: SecretsFile?, staged: Bool) -> GeneratedSecrets {
        secrets == nil ? .refuse : staged ? .stage : .reply
    }

    /// A refusal of the daemon as the stop of the import: `generated_secrets` refusing a line is
    /// a usage error (the command needs `--secrets-file`).
    private func stop(_ error: ControlError) -> ImportStop {
        let usage = error.code == .invalidInput && error.field == "generated_secrets"
        return ImportStop(
            message: "\(error.message) [\(error.code.name)]", exit: usage ? ExitCode(64) : .failure, storedNothing: true
        )
    }

    private func importAtOnce(_ lines: [String], secrets: SecretsFile?, in context: CommandContext) async throws
        -> SubscribeBulkResult
    {
        let params = SubscribeBulkParams(lines: lines, generatedSecrets: secretsMode(secrets, staged: false))
        switch try await request(ControlMethods.subscribeBulk, params, in: context) {
        case .success(let answer): return answer.result
        case .failure(let error): throw stop(error)
        }
    }

    /// Stages the chunks, writing each chunk's generated secrets to `secrets` as they come, then
    /// commits the batch. Rejected lines and warnings of every chunk are gathered in the result.
    ///
    /// The first chunk goes alone (its reply names the batch); the others two at a time, each
    /// on its own connection: while the daemon checks one chunk, concertctl encodes the next and
    /// the daemon reads it, so both processes keep working. One at a time, a million lines
    /// would take half again as long.
    private func importStaged(
        _ chunks: [ImportChunks.Chunk], lineCount: Int, secrets: SecretsFile?, progress: ProgressLine,
        in context: CommandContext
    ) async throws -> SubscribeBulkResult {
        let mode = secretsMode(secrets, staged: true)
        var rejected: [BulkRejectedLine] = []
        var warnings: [String] = []
        var checked = 0
        var staged = 0
        func take(_ result: SubscribeBulkStageResult, lines: Int) throws {
            try keep(result.secrets ?? [], in: secrets)
            rejected += result.rejected
            warnings += result.warnings
            checked += lines
            staged = max(staged, result.staged)
            progress.show(
                ProgressLine.describe(
                    "checked", done: checked, of: lineCount, unit: "lines", seconds: progress.elapsed),
                force: checked == lineCount)
        }
        progress.show(ProgressLine.describe("checked", done: 0, of: lineCount, unit: "lines", seconds: 0), force: true)
        let first = chunks[0]
        let batch: String
        switch try await request(
            ControlMethods.subscribeBulkStage,
            SubscribeBulkStageParams(firstLine: first.firstLine, lines: first.lines, generatedSecrets: mode),
            in: context)
        {
        case .success(let answer):
            batch = answer.result.batch
            try take(answer.result, lines: first.lines.count)
        case .failure(let error):
            throw stop(error)
        }
        let command = self
        try await withThrowingTaskGroup(of: (Int, Result<SubscribeBulkStageResult, ControlError>).self) { group in
            func send(_ index: Int) {
                let chunk = chunks[index]
                group.addTask {
                    let params = SubscribeBulkStageParams(
                        batch: batch, firstLine: chunk.firstLine, lines: chunk.lines, generatedSecrets: mode)
                    let outcome = try await command.request(ControlMethods.subscribeBulkStage, params, in: context)
                    return (index, outcome.map(\.result))
                }
            }
            var next = 1
            while next < min(chunks.count, 3) {
                send(next)
                next += 1
            }
            for try await (index, outcome) in group {
                switch outcome {
                case .success(let result): try take(result, lines: chunks[index].lines.count)
                case .failure(let error): throw stop(error)
                }
                if next < chunks.count {
                    send(next)
                    next += 1
                }
            }
        }
        do {
            try secrets?.sync()
        } catch {
            throw ImportStop(message: "\(error.message)", exit: ExitCode(74), storedNothing: true)
        }
        var committed = try await commit(batch, staged: staged, progress: progress, in: context)
        // The commit refuses lines that repeat a subscription made since they were staged: their
        // secrets, written when staged, belong to no subscription.
        do {
            try secrets?.dropEntries(ofLines: Set(committed.rejected.map(\.line)))
        } catch {
            context.output.error(
                "\(error.message); the secrets of lines \(committed.rejected.map { String($0.line) }.joined(separator: ", ")) in it belong to no subscription"
            )
        }
        // With the stages' rejections.
        committed.rejected = (rejected + committed.rejected).sorted { $0.line < $1.line }
        committed.warnings = warnings + committed.warnings
        return committed
    }

    /// Writes a staged chunk's secrets; nothing is stored yet, so a file that cannot take them
    /// stops the import.
    private func keep(_ entries: [BulkCreatedSubscription], in secrets: SecretsFile?) throws {
        do {
            try secrets?.write(entries)
        } catch {
            throw ImportStop(message: "\(error.message)", exit: ExitCode(74), storedNothing: true)
        }
    }

    /// Sends the commit and waits for its reply as long as the daemon, asked for the batch's
    /// progress, answers within `--timeout`: a commit of a million subscriptions takes longer
    /// than any fixed wait, and is not a daemon gone.
    private func commit(_ batch: String, staged: Int, progress: ProgressLine, in context: CommandContext) async throws
        -> SubscribeBulkResult
    {
        let started = progress.elapsed
        let reply: ControlReply
        do {
            reply = try await watchedExchange(
                ControlMethods.subscribeBulkCommit, SubscribeBulkCommitParams(batch: batch),
                ping: ControlMethods.subscribeBulkProgress, SubscribeBulkProgressParams(batch: batch), in: context
            ) { reply in
                guard let answer = try? reply.decodeResult(as: SubscribeBulkProgressResult.self) else { return }
                progress.show(
                    ProgressLine.describe(
                        "imported", done: answer.imported, of: answer.staged, unit: "subscriptions",
                        seconds: progress.elapsed - started))
            }
        } catch let error as ControlClientError {
            let location = SocketLocation.resolve(flag: global.socket, context: context)
            throw ImportStop(
                message: """
                    \(Self.unreachableMessage(error, location: location))
                    while it committed the import of \(Display.plural(staged, "subscription")): whether it was stored is \
                    not known; `concertctl status` shows the count of active subscriptions
                    """,
                exit: ExitCode(69), storedNothing: false)
        }
        switch reply.outcome {
        case .failure(let error):
            throw ImportStop(message: "\(error.message) [\(error.code.name)]", exit: .failure, storedNothing: true)
        case .success:
            do {
                return try reply.decodeResult(as: SubscribeBulkResult.self)
            } catch {
                throw ImportStop(message: "\(String(describing: error))", exit: .failure, storedNothing: false)
            }
        }
    }
}
