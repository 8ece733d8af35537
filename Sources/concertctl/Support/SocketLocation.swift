/// Which control socket concertctl talks to, and why that one.
///
/// In order: `--socket PATH`, then `$CONCERTD_SOCKET`, then the daemon's own defaults: the
/// systemd path `/run/concertd/control.sock` when it exists, else
/// `$XDG_RUNTIME_DIR/concertd/control.sock`, else `/tmp/concertd-<uid>/control.sock`. This
/// mirrors `DefaultPaths` of ConcertCore, which concertctl does not link.
struct SocketLocation: Sendable, Equatable {
    var path: String
    /// How the path was chosen, for the message when nothing answers there.
    var origin: String

    static let systemPath = "/run/concertd/control.sock"

    static func resolve(flag: String?, context: CommandContext) -> SocketLocation {
        if let flag {
            return SocketLocation(path: flag, origin: "--socket")
        }
        if let variable = context.environment["CONCERTD_SOCKET"], !variable.isEmpty {
            return SocketLocation(path: variable, origin: "CONCERTD_SOCKET")
        }
        if context.fileExists(systemPath) {
            return SocketLocation(path: systemPath, origin: "the systemd default")
        }
        if let runtime = context.environment["XDG_RUNTIME_DIR"], runtime.hasPrefix("/") {
            return SocketLocation(path: "\(runtime)/concertd/control.sock", origin: "the default under XDG_RUNTIME_DIR")
        }
        return SocketLocation(
            path: "/tmp/concertd-\(context.uid)/control.sock", origin: "the default without XDG_RUNTIME_DIR")
    }
}
