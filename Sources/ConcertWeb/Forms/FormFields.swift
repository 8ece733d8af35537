/// The fields of an `application/x-www-form-urlencoded` body, in order, strictly decoded.
struct FormFields {
    /// Why a body was refused.
    enum Refusal: Error, Hashable {
        /// Bad percent-encoding or invalid UTF-8.
        case malformed
        case tooManyFields
        /// A field that may appear once appeared again.
        case repeated(String)
    }

    static let maxFields = 64

    private(set) var pairs: [(name: String, value: String)] = []

    static func parse(_ bytes: [UInt8]) throws(Refusal) -> FormFields {
        var fields = FormFields()
        guard !bytes.isEmpty else { return fields }
        for pair in bytes.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            guard fields.pairs.count < maxFields else { throw .tooManyFields }
            let parts = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            let name = try decode(parts[0])
            let value = parts.count > 1 ? try decode(parts[1]) : ""
            fields.pairs.append((name, value))
        }
        return fields
    }

    /// The values of `name`, as sent: control characters included, for the field's check to refuse.
    func values(_ name: String) -> [String] {
        pairs.filter { $0.name == name }.map(\.value)
    }

    /// The one value of `name`, nil when absent; a second one is refused.
    func single(_ name: String) throws(Refusal) -> String? {
        let found = values(name)
        guard found.count <= 1 else { throw .repeated(name) }
        return found.first
    }

    private static func decode(_ encoded: ArraySlice<UInt8>) throws(Refusal) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(encoded.count)
        var index = encoded.startIndex
        while index < encoded.endIndex {
            let byte = encoded[index]
            switch byte {
            case UInt8(ascii: "+"):
                bytes.append(UInt8(ascii: " "))
                index += 1
            case UInt8(ascii: "%"):
                guard index + 2 < encoded.endIndex, let high = hexValue(encoded[index + 1]),
                    let low = hexValue(encoded[index + 2])
                else { throw .malformed }
                bytes.append(high << 4 | low)
                index += 3
            default:
                bytes.append(byte)
                index += 1
            }
        }
        // Control characters are kept: each field's own check refuses them, so that a newline typed
        // into the address is that field's error, not a refusal of the whole form.
        guard let text = String(validating: bytes, as: UTF8.self) else { throw .malformed }
        return text
    }

    private static func hexValue(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
