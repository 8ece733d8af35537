import ArgumentParser
import ConcertProtocol

extension ConcertCtl {
    struct Status: ControlCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the daemon's version, uptime, clock, counts, listeners and what is failing.",
            discussion:
                "Counts come from the daemon's running counters. The store's line gives its engine (sqlite or postgresql), where it is (the SQLite file, or the PostgreSQL server's host and port and the database's name) and, on PostgreSQL, this instance's name (instance_name). The web front door's line gives its address, the address of its links and the requests to subscribe waiting for confirmation; the metrics listener's gives its address. The catalog line gives the version of the catalog in force and the catalog file, and says when the file, as it is now, is not the one in force or cannot be read (instances sharing a PostgreSQL database keep the database's catalog: concertctl reload --take-file takes the file, and a plain reload takes it once it is edited; on SQLite a plain reload takes it). While the store cannot be reached, the store's line says since when and why, the failing line names the store, and the counts, the requests waiting and the next reminder due are shown as not read: the rest comes from the daemon's memory. A warning is printed when the daemon speaks another protocol version."
        )

        @OptionGroup var global: GlobalOptions

        func run(in context: CommandContext) async throws {
            let (status, raw) = try await call(ControlMethods.status, NoParams(), in: context)
            emit(raw, in: context) {
                let out = context.output
                out.line(
                    "concertd \(status.version) (protocol \(status.protocolVersion)), up \(Display.duration(seconds: status.uptimeSeconds))"
                )
                let clock = status.clock
                out.line(
                    "clock          \(Display.time(clock.now, seconds: true))\(clock.shifted ? "  SHIFTED, rate \(Display.number(clock.rate))x" : "")"
                )
                let notRead = Set(status.notRead ?? [])
                let unread = "not read: the store cannot be reached"
                let counts = notRead.contains("counts")
                out.line("concerts       \(counts ? unread : Display.counts(status.counts.concerts))")
                out.line("subscriptions  \(counts ? unread : Display.counts(status.counts.subscriptions))")
                out.line("deliveries     \(counts ? unread : Display.counts(status.counts.deliveries))")
                if let web = status.web {
                    out.line("web            \(web.listen) (links: \(web.baseURL))")
                    if notRead.contains("web.pending_requests") {
                        out.line("web requests   \(unread)")
                    } else if let pending = web.pendingRequests {
                        out.line("web requests   \(Display.plural(pending, "request")) waiting for confirmation")
                    }
                }
                if let metrics = status.metrics {
                    out.line("metrics        \(metrics.listen)")
                }
                if let catalog = status.catalog {
                    if let problem = catalog.fileProblem {
                        out.line(
                            "catalog        \(catalog.version) in force; the file \(catalog.file) cannot be read now: \(problem)"
                        )
                    } else if catalog.fileInForce {
                        out.line("catalog        \(catalog.version) (\(catalog.file))")
                    } else {
                        let taken =
                            (catalog.takenAt.map { ", taken \(Display.time($0))" } ?? "")
                            + (catalog.takenBy.map { " by \($0)" } ?? "")
                        // On SQLite a plain reload takes the file; on a shared store an edited one.
                        let takes = status.store?.engine == "sqlite" ? "reload" : "reload --take-file"
                        out.line(
                            "catalog        \(catalog.version) in force\(taken); the file \(catalog.file) is \(catalog.fileVersion), NOT imported: concertctl \(takes) takes it"
                        )
                    }
                }
                if let store = status.store {
                    let away = store.unreachableSince.map { since in
                        " — UNREACHABLE since \(Display.time(since, seconds: true))"
                            + (store.unreachableReason.map { ": \($0)" } ?? "")
                    }
                    let instance = store.instanceName.map { ", instance \($0)" } ?? ""
                    out.line("store          \(Display.store(store))\(instance)\(away ?? "")")
                }
                // While the store fails, nothing is sent: "none" would say all is well.
                if status.store?.unreachableSince != nil {
                    out.line("failing        the store (see store)")
                } else if status.storeError != nil {
                    out.line("failing        the store (see DATABASE ERROR)")
                } else if status.failingDestinations.isEmpty {
                    out.line("failing        none")
                }
                for failing in status.failingDestinations {
                    let since = failing.since.map { " since \(Display.time($0))" } ?? ""
                    out.line(
                        "failing        \(failing.destination): \(Display.plural(failing.failures, "failure"))\(since)\(failing.lastError.map { "; last: \($0)" } ?? "")"
                    )
                }
                if let error = status.storeError {
                    out.line(
                        "DATABASE ERROR \(error.message) since \(Display.time(error.since)); \(Display.plural(error.failures, "try")) failed, next at \(Display.time(error.retryingAt)); nothing is sent until it clears"
                    )
                }
                if notRead.contains("next_due") {
                    out.line("next due       \(unread)")
                } else if let next = status.nextDue {
                    out.line("next due       \(Display.nextDue(next))")
                } else {
                    out.line("next due       nothing scheduled")
                }
            }
        }
    }
}
