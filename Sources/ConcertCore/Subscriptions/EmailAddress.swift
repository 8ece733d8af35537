import Foundation

/// Checks of an email address made when it is subscribed.
public enum EmailAddress {
    /// Why `text` cannot be an email address we send to, or `nil` when it can.
    ///
    /// Accepts the common `local@domain` form in ASCII: libcurl 7.88 does not negotiate SMTPUTF8,
    /// so internationalized addresses cannot be delivered and are refused up front.
    public static func problem(with text: String) -> String? {
        guard text.count <= 254 else { return "the address is longer than 254 characters" }
        guard text.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7f }) else {
            return "'\(text)' contains spaces, control or non-ASCII characters"
        }
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return "'\(text)' must contain exactly one '@'" }
        let local = parts[0]
        let domain = parts[1]
        guard !local.isEmpty, local.count <= 64 else { return "the part before '@' must be 1 to 64 characters" }
        guard local.allSatisfy(localAllowed.contains), !local.hasPrefix("."), !local.hasSuffix("."),
            !local.contains("..")
        else { return "the part before '@' in '\(text)' has characters or dots an address cannot have" }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return "the domain '\(domain)' has no dot: use a full domain name" }
        for label in labels {
            guard !label.isEmpty, label.count <= 63, label.allSatisfy(labelAllowed.contains),
                !label.hasPrefix("-"), !label.hasSuffix("-")
            else { return "the domain '\(domain)' is not a valid host name" }
        }
        return nil
    }

    // Made once, not per address: building them was most of the check's time in a bulk import.
    private static let localAllowed = Set(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+/=?^_`{|}~-.")
    private static let labelAllowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-")
}
