import Foundation

/// The `[user@]host[:port]` part of a server URL, read the same way for the smarthost
/// (``SMTPURL``) and the PostgreSQL server (``DatabaseURL``). Neither URL may carry a password:
/// a `user:password@` is refused, naming the keys that hold the password instead, and the error
/// never repeats it.
struct URLAuthority {
    /// The user before `@`, percent-decoded; `nil` when there is no `@`.
    var user: String?
    /// The host as written: a name, an IP address (an IPv6 one without its brackets) or, where the
    /// caller allows it, a percent-encoded socket directory.
    var host: Substring
    /// Whether the host was written in brackets (an IPv6 address).
    var bracketed: Bool
    /// The port, checked to be 1…65535.
    var port: Int?

    /// Reads `text`. `passwordKeys` is the configuration's key prefix (`smtp_password`,
    /// `database_password`) for the refusal of a password in the URL.
    init(parsing text: Substring, passwordKeys: String) throws(ConfigurationValueError) {
        var hostPort = text
        if let at = text.lastIndex(of: "@") {
            let userInfo = text[..<at]
            hostPort = text[text.index(after: at)...]
            if userInfo.contains(":") { throw Self.passwordInURL(passwordKeys) }
            user = try Self.decoded(userInfo, what: "the user name before '@'")
        } else {
            user = nil
        }
        var portText: Substring?
        if hostPort.hasPrefix("[") {
            guard let close = hostPort.firstIndex(of: "]") else {
                throw ConfigurationValueError("the IPv6 address has no closing ']'")
            }
            host = hostPort[hostPort.index(after: hostPort.startIndex)..<close]
            bracketed = true
            let after = hostPort[hostPort.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else {
                    throw ConfigurationValueError("unexpected text after the IPv6 address")
                }
                portText = after.dropFirst()
            }
            guard Self.isIPv6Text(host) else { throw ConfigurationValueError("'\(host)' is not an IPv6 address") }
        } else if let colon = hostPort.lastIndex(of: ":") {
            host = hostPort[..<colon]
            bracketed = false
            portText = hostPort[hostPort.index(after: colon)...]
        } else {
            host = hostPort
            bracketed = false
        }
        guard let portText else {
            port = nil
            return
        }
        guard portText.allSatisfy({ $0.isASCII && $0.isNumber }), let port = Int(portText), (1...65_535).contains(port)
        else { throw ConfigurationValueError("the port '\(portText)' is not a number from 1 to 65535") }
        self.port = port
    }

    /// The refusal of a password written into a URL.
    static func passwordInURL(_ passwordKeys: String) -> ConfigurationValueError {
        ConfigurationValueError(
            "the URL must not contain a password; put it in a file named by \(passwordKeys)_file, an environment variable named by \(passwordKeys)_env, or a systemd credential named by \(passwordKeys)_credential"
        )
    }

    /// `text` percent-decoded: not empty, and printable (no control characters).
    static func decoded(_ text: Substring, what: String) throws(ConfigurationValueError) -> String {
        guard !text.isEmpty else { throw ConfigurationValueError("\(what) is empty") }
        guard let decoded = text.removingPercentEncoding, !decoded.isEmpty,
            decoded.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7f })
        else { throw ConfigurationValueError("\(what) is not valid percent-encoding of printable text") }
        return decoded
    }

    /// Whether `host` is a DNS name of letters, digits and hyphens, or an IPv4 address (which has
    /// that shape too).
    static func isHostName(_ host: some StringProtocol) -> Bool {
        guard !host.isEmpty, host.count <= 253 else { return false }
        return host.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            !label.isEmpty && label.count <= 63 && label.allSatisfy(hostNameCharacters.contains)
                && !label.hasPrefix("-") && !label.hasSuffix("-")
        }
    }

    /// Whether `text` has the characters of an IPv6 address (hex digits, colons, a dotted IPv4 tail).
    static func isIPv6Text(_ text: some StringProtocol) -> Bool {
        !text.isEmpty && text.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." }
    }

    private static let hostNameCharacters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-")
}
