/// Checks the strings and numbers of a JSON text that `JSONDecoder` has already scanned.
///
/// `JSONDecoder` checks a document's structure when it scans it, but a string's escapes and
/// control characters, and a number's digits and range, only when it reads that value. A request
/// line decoded without reading all of its `params` (``ControlMessageDecoder``) is checked here
/// instead, so that a line with a broken value anywhere is still a `parse_error`, as when every
/// value was read into a `JSONValue`: strings without raw control characters, with only JSON's
/// escapes and with `\u` surrogates in pairs; numbers of JSON's grammar that fit in a `Double`.
enum JSONTokenCheck {
    /// Whether every string and number of `bytes`, a JSON text whose structure is valid, is too.
    static func valuesAreValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                guard let end = stringEnd(bytes, from: index + 1) else { return false }
                index = end + 1
            } else if byte == UInt8(ascii: "-") || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) {
                var end = index + 1
                while end < count, isNumberByte(bytes[end]) { end += 1 }
                guard numberIsValid(UnsafeBufferPointer(rebasing: bytes[index..<end])) else { return false }
                index = end
            } else {
                index += 1
            }
        }
        return true
    }

    private static func isNumberByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"),
            UInt8(ascii: "+"), UInt8(ascii: "-"):
            true
        default: false
        }
    }

    /// The index of the quote that closes the string whose contents start at `start`, or `nil`
    /// when a content is invalid.
    private static func stringEnd(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var index = start
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") { return index }
            if byte < 0x20 { return nil }
            guard byte == UInt8(ascii: "\\") else {
                index += 1
                continue
            }
            guard index + 1 < count else { return nil }
            switch bytes[index + 1] {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                index += 2
            case UInt8(ascii: "u"):
                guard let unit = hexUnit(bytes, at: index + 2) else { return nil }
                index += 6
                if unit >= 0xDC00 && unit <= 0xDFFF { return nil }
                if unit >= 0xD800 && unit <= 0xDBFF {
                    guard index + 1 < count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u"),
                        let low = hexUnit(bytes, at: index + 2), low >= 0xDC00 && low <= 0xDFFF
                    else { return nil }
                    index += 6
                }
            default:
                return nil
            }
        }
        return nil
    }

    /// The four hexadecimal digits at `start`, or `nil`.
    private static func hexUnit(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> UInt16? {
        guard start + 4 <= bytes.count else { return nil }
        var value: UInt16 = 0
        for byte in bytes[start..<start + 4] {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt16(digit)
        }
        return value
    }

    /// Whether `token` is a JSON number (`-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`)
    /// whose value is a finite `Double`.
    private static func numberIsValid(_ token: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        let count = token.count
        func digits() -> Int {
            let start = index
            while index < count, token[index] >= UInt8(ascii: "0"), token[index] <= UInt8(ascii: "9") { index += 1 }
            return index - start
        }
        if index < count, token[index] == UInt8(ascii: "-") { index += 1 }
        guard index < count else { return false }
        let integerStart = index
        let integerDigits = digits()
        guard integerDigits > 0, !(integerDigits > 1 && token[integerStart] == UInt8(ascii: "0")) else { return false }
        var plain = true
        if index < count, token[index] == UInt8(ascii: ".") {
            index += 1
            guard digits() > 0 else { return false }
            plain = false
        }
        if index < count, token[index] == UInt8(ascii: "e") || token[index] == UInt8(ascii: "E") {
            index += 1
            if index < count, token[index] == UInt8(ascii: "+") || token[index] == UInt8(ascii: "-") { index += 1 }
            guard digits() > 0 else { return false }
            plain = false
        }
        guard index == count else { return false }
        // Integers of up to 308 digits are finite; anything else is parsed to see.
        if plain && integerDigits <= 308 { return true }
        return Double(String(decoding: token, as: UTF8.self))?.isFinite ?? false
    }
}
