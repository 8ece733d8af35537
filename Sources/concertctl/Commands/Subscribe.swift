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
                without confirmation messages, prints a summary (for a file of a few hundred lines, the id of \
                every line) and every rejected line with its reason, and exits 1 if any line was rejected. A \
                generic webhook line without "secret" gets a generated signing secret: name a new file with \
                --secrets-file, where each is written ({"line", "id", "secret"} per line, mode 0600) before \
                the import is committed; without it such an import is refused (exit 64) and nothing is stored. \
                On a terminal, progress is shown on standard error.
                """)

        enum Language: String, ExpressibleByArgument, CaseIterable {
            case ko, en
        }

        @OptionGroup var global: GlobalOptions

        @Argument(help: "City ids or names (see `cities`).")
        var cities: [String] = []

        @Option(parsing: .unconditional, help: "Send reminders to this email address.")
        var email: String?

        @Option(parsing: .unconditional, help: "Send reminders to this webhook URL.")
        var webhook: String?

        @Option(parsing: .unconditional, help: "The webhook's payload format (generic, slack, discord, …).")
        var format: String?

        @Option(parsing: .unconditional, help: "The signing secret of a generic webhook (default: generated).")
        var secret: String?

        @Option(parsing: .unconditional, help: "When to remind, before each concert: a list such as 7d,1d,1h.")
        var before: String?

        @Option(parsing: .unconditional, help: "The language of the messages.")
        var lang: Language?

        @Option(parsing: .unconditional, help: "A note for administrators, shown in listings.")
        var label: String?

        @Flag(help: "Do not send a confirmation message.")
        var quiet = false

        @Option(parsing: .unconditional, help: "Import subscriptions from a file of JSON lines.", completion: .file())
        var from: String?

        @Option(
            parsing: .unconditional,
            help: "With --from: a new file to write the generated signing secrets to (mode 0600).",
            completion: .file())
        var secretsFile: String?

        func validate() throws {
            if let secretsFile {
                guard from != nil else { throw ValidationError("--secrets-file goes with --from") }
                guard !secretsFile.isEmpty else { throw ValidationError("--secrets-file is empty") }
            }
            if let from {
                guard cities.isEmpty, email == nil, webhook == nil, format == nil, secret == nil, before == nil,
                    lang == nil, label == nil, !quiet
                else {
                    throw ValidationError("--from takes no cities or other subscription options: the file has them")
                }
                guard !from.isEmpty else { throw ValidationError("--from is empty") }
                // Whether the file can be read is found when it is read (exit 66, not a usage error).
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
    }
}
