import Foundation

/// Values the configuration names that exist only on this machine, looked up when it is read so
/// that `check-config`, start and reload refuse them rather than a later step of the daemon.
extension ConfigurationDraft {
    /// The CA bundles the configuration names are read now, as the password is: a missing, unreadable
    /// or certificate-less file is refused at start and reload (and by `check-config`) rather than
    /// failing every HTTPS webhook or every email later.
    mutating func checkCABundles() {
        for (key, path) in [
            ("smtp_ca_bundle", configuration.smtpCABundle), ("http_ca_bundle", configuration.httpCABundle),
        ] {
            guard let path else { continue }
            let data: Data
            do {
                data = try FileContents.read(path)
            } catch {
                problem(key, "cannot read the CA bundle \(path): \(error.reason)")
                continue
            }
            guard data.range(of: Data("-----BEGIN CERTIFICATE-----".utf8)) != nil else {
                problem(key, "the CA bundle \(path) holds no PEM certificate (-----BEGIN CERTIFICATE-----)")
                continue
            }
        }
    }

    /// `socket_group` names a group of this system (the daemon chowns its socket to it at start).
    mutating func checkSocketGroup() {
        guard let name = configuration.socketGroup else { return }
        var entry = group()
        var result: UnsafeMutablePointer<group>?
        var buffer = [CChar](repeating: 0, count: 16_384)
        let status = getgrnam_r(name, &entry, &buffer, buffer.count, &result)
        if status != 0 {
            problem("socket_group", "cannot look up the group '\(name)': \(String(cString: strerror(status)))")
        } else if result == nil {
            problem("socket_group", "no group named '\(name)' on this system")
        }
    }
}
