import ArgumentParser
import ConcertProtocol
import Foundation

extension ConcertCtl {
    struct Subscribe: ControlCommand {
        static let configuration = CommandConfiguration(
            abstract: "Subscribe an email address or a webhook to the concerts of some cities.",
            discussion: """
                Prints the new subscription's id, and a generated signing secret once: store it then. A \
                confirmation message is sent unless --quiet. With --from FILE, imports JSON lines of the same \
                fields ({"cities": ["busan"], "email": "a@example.org", "before": "7d,1d"}) in one transaction \
                without confirmation messages, prints a summary, the id and generated secret of each line \
                given no secret (and, for a file of a few hundred lines, the id of every line), every rejected \
                line with its reason, and exits 1 if any line was rejected.
                """)

        enum Language: String, ExpressibleByArgument, CaseIterable {
            case ko, en
        }

        @OptionGroup var global: GlobalOptions

        @Argument(help: "City ids or names (see `cities`).")
        var cities: [String] = []

        @Option(help: "Send reminders to this email address.")
        var email: String?

        @Option(help: "Send reminders to this webhook URL.")
        var webhook: String?

        @Option(help: "The webhook's payload format (generic, slack, discord, …).")
        var format: String?

        @Option(help: "The signing secret of a generic webhook (default: generated).")
        var secret: String?

        @Option(help: "When to remind, before each concert: a list such as 7d,1d,1h.")
        var before: String?

        @Option(help: "The language of the messages.")
        var lang: Language?

        @Option(help: "A note for administrators, shown in listings.")
        var label: String?

        @Flag(help: "Do not send a confirmation message.")
        var quiet = false

        @Option(help: "Import subscriptions from a file of JSON lines.", completion: .file())
        var from: String?

        func validate() throws {
            if let from {
                guard cities.isEmpty, email == nil, webhook == nil, format == nil, secret == nil, before == nil,
                    lang == nil, label == nil, !quiet
                else {
                    throw ValidationError("--from takes no cities or other subscription options: the file has them")
                }
                guard FileManager.default.isReadableFile(atPath: from) else {
                    throw ValidationError("cannot read --from file '\(from)'")
                }
                return
            }
            guard !cities.isEmpty else { throw ValidationError("name at least one city (or --from FILE)") }
            for city in cities { try InputChecks.id(city, "a city") }
            switch (email, webhook) {
            case (nil, nil), (.some, .some):
                throw ValidationError("give exactly one of --email and --webhook")
            case (let email?, nil):
                try InputChecks.email(email)
                if format != nil || secret != nil { throw ValidationError("--format and --secret go with --webhook") }
            case (nil, let webhook?):
                try InputChecks.webhookURL(webhook)
            }
            if let before { _ = try InputChecks.offsets(before) }
            if let secret, secret.isEmpty { throw ValidationError("--secret is empty") }
        }

        func run(in context: CommandContext) async throws {
            if let from {
                try await importFile(from, in: context)
                return
            }
            let params = SubscribeParams(
                cities: cities, email: email, webhook: webhook, format: format, secret: secret,
                before: try before.map(InputChecks.offsets), lang: lang?.rawValue, label: label, quiet: quiet)
            let (result, raw) = try await call(ControlMethods.subscribe, params, in: context)
            emit(raw, in: context) {
                context.output.line("\(result.id)")
                if let secret = result.secret {
                    context.output.line("secret: \(secret)")
                    context.output.note("the secret is shown only now; store it where the webhook receiver can read it")
                }
            }
            for warning in result.warnings { context.output.warning("\(warning)") }
        }

        /// Stages the chunks of a large import; returns the batch and each chunk's result, in order.
        ///
        /// The first chunk goes alone (its reply names the batch); the others two at a time, each
        /// on its own connection: while the daemon checks one chunk, concertctl encodes the next and
        /// the daemon reads it, so both processes keep working. One at a time, a million lines
        /// took half again as long.
        private func stage(_ chunks: [ImportChunks.Chunk], in context: CommandContext) async throws -> (
            batch: String, results: [SubscribeBulkStageResult]
        ) {
            let first = try await call(
                ControlMethods.subscribeBulkStage,
                SubscribeBulkStageParams(firstLine: chunks[0].firstLine, lines: chunks[0].lines), in: context
            ).result
            let batch = first.batch
            var results: [SubscribeBulkStageResult?] = [first] + Array(repeating: nil, count: chunks.count - 1)
            let command = self
            try await withThrowingTaskGroup(of: (Int, SubscribeBulkStageResult).self) { group in
                func send(_ index: Int) {
                    let chunk = chunks[index]
                    group.addTask {
                        let params = SubscribeBulkStageParams(
                            batch: batch, firstLine: chunk.firstLine, lines: chunk.lines)
                        let (result, _) = try await command.call(
                            ControlMethods.subscribeBulkStage, params, in: context)
                        return (index, result)
                    }
                }
                var next = 1
                while next < min(chunks.count, 3) {
                    send(next)
                    next += 1
                }
                for try await (index, result) in group {
                    results[index] = result
                    if next < chunks.count {
                        send(next)
                        next += 1
                    }
                }
            }
            return (batch, results.map { $0! })
        }

        private func importFile(_ path: String, in context: CommandContext) async throws {
            let text: String
            do {
                text = try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                context.output.error("cannot read \(path) as UTF-8 text")
                throw ExitCode(66)
            }
            var lines = ImportChunks.lines(of: text)
            if lines.last == "" { lines.removeLast() }
            let chunks = try ImportChunks.split(lines)
            let result: SubscribeBulkResult
            let raw: JSONValue
            if chunks.count == 1 {
                (result, raw) = try await call(
                    ControlMethods.subscribeBulk, SubscribeBulkParams(lines: chunks[0].lines), in: context)
            } else {
                // Too large for one request: staged chunk by chunk, then imported in one transaction.
                let staged = try await stage(chunks, in: context)
                var rejected: [BulkRejectedLine] = []
                var warnings: [String] = []
                for chunk in staged.results {
                    rejected += chunk.rejected
                    warnings += chunk.warnings
                }
                var committed = try await call(
                    ControlMethods.subscribeBulkCommit, SubscribeBulkCommitParams(batch: staged.batch), in: context
                ).result
                committed.rejected = rejected
                committed.warnings = warnings
                result = committed
                raw = try JSONCoding.value(of: committed)
            }
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
            for warning in result.warnings { context.output.warning("\(warning)") }
            if !result.rejected.isEmpty {
                context.output.error("\(Display.plural(result.rejected.count, "line")) rejected")
                throw ExitCode.failure
            }
        }
    }
}
