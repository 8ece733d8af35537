import Foundation

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
                data = try Data(contentsOf: URL(fileURLWithPath: path))
            } catch {
                problem(key, "cannot read the CA bundle \(path): \(ConfigurationLoader.reason(error))")
                continue
            }
            guard data.range(of: Data("-----BEGIN CERTIFICATE-----".utf8)) != nil else {
                problem(key, "the CA bundle \(path) holds no PEM certificate (-----BEGIN CERTIFICATE-----)")
                continue
            }
        }
    }
}
