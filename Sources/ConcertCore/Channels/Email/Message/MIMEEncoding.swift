import Foundation

/// The encodings that keep a message 7-bit ASCII, so it passes relays that offer neither
/// SMTPUTF8 nor 8BITMIME (libcurl 7.88 asks for neither): RFC 2047 words for headers, base64
/// and quoted-printable (RFC 2045) for bodies.
public enum MIMEEncoding {
    /// The longest an encoded word may be, delimiters included (RFC 2047 §2).
    public static let maxEncodedWordLength = 75
    /// The longest a base64 or quoted-printable line may be, CRLF excluded (RFC 2045 §6.7, §6.8).
    public static let maxBodyLineLength = 76

    private static let wordPrefix = "=?UTF-8?B?"
    private static let wordSuffix = "?="

    /// `text` as RFC 2047 `B` words in UTF-8 (`=?UTF-8?B?…?=`), to be joined with folding whitespace.
    ///
    /// Each word holds whole characters, so it decodes to valid UTF-8 on its own (a character too
    /// long for one word, such as a long emoji sequence, is split between its Unicode scalars). Every
    /// word is at most `maxEncodedWordLength` long; the first at most `firstWordLimit`, so it fits
    /// beside a header's name. Spaces are encoded inside the words, because a decoder drops the
    /// whitespace between two adjacent encoded words. Empty text gives no words.
    ///
    /// With `breakAfterSpaces` a word ends after one of the text's spaces whenever one fits, rather
    /// than in the middle of a word of the text: for display names, where some readers (Python's
    /// `email` among them) show a space between adjacent encoded words that RFC 2047 says to drop.
    /// Such a reader then shows two spaces where the name has one, never a word broken in two.
    public static func encodedWords(
        _ text: String, firstWordLimit: Int = maxEncodedWordLength, breakAfterSpaces: Bool = false
    ) -> [String] {
        let overhead = wordPrefix.count + wordSuffix.count
        func payloadBytes(_ limit: Int) -> Int { max(1, (min(limit, maxEncodedWordLength) - overhead) / 4) * 3 }
        let firstBytes = payloadBytes(firstWordLimit)
        let otherBytes = payloadBytes(maxEncodedWordLength)
        // Units that must not be split: characters, or the scalars of a character too long for a word.
        var units: [[UInt8]] = []
        for character in text {
            let bytes = Array(String(character).utf8)
            if bytes.count <= min(firstBytes, otherBytes) {
                units.append(bytes)
            } else {
                units += character.unicodeScalars.map { Array(String($0).utf8) }
            }
        }
        var words: [String] = []
        var chunk: [[UInt8]] = []
        func emit(_ units: ArraySlice<[UInt8]>) {
            words.append(wordPrefix + Data(units.joined()).base64EncodedString() + wordSuffix)
        }
        for unit in units {
            while !chunk.isEmpty
                && chunk.reduce(0, { $0 + $1.count }) + unit.count > (words.isEmpty ? firstBytes : otherBytes)
            {
                // After the last space when there is one; else before this unit.
                let afterSpace = breakAfterSpaces ? chunk.lastIndex(of: [0x20]).map { $0 + 1 } : nil
                let cut = afterSpace ?? chunk.count
                emit(chunk[..<cut])
                chunk.removeFirst(cut)
            }
            chunk.append(unit)
        }
        if !chunk.isEmpty { emit(chunk[...]) }
        return words
    }

    /// Base64 of `bytes` in lines of 76 characters, separated by CRLF, without a final line break.
    public static func base64Lines(_ bytes: some Collection<UInt8>) -> String {
        let encoded = Data(bytes).base64EncodedString()
        var lines: [Substring] = []
        var start = encoded.startIndex
        while start < encoded.endIndex {
            let end = encoded.index(start, offsetBy: maxBodyLineLength, limitedBy: encoded.endIndex) ?? encoded.endIndex
            lines.append(encoded[start..<end])
            start = end
        }
        return lines.joined(separator: "\r\n")
    }

    /// `text` as quoted-printable UTF-8 (RFC 2045 §6.7), line breaks as CRLF, without a final line break.
    ///
    /// Lines are at most 76 characters, longer ones broken with soft line breaks (`=` at the end of
    /// a line) between characters, never inside one. `=`, control characters, bytes above 127 and
    /// whitespace at the end of a line are written as `=XX`, so no line ends in whitespace and the
    /// output never contains `=_`.
    public static func quotedPrintable(_ text: String) -> String {
        var output: [String] = []
        for line in lines(of: text) {
            let scalars = Array(String(decoding: line, as: UTF8.self).unicodeScalars)
            var current = ""
            for (index, scalar) in scalars.enumerated() {
                let isWhitespace = scalar == " " || scalar == "\t"
                let literal =
                    ((33...126).contains(scalar.value) && scalar != "=") || (isWhitespace && index < scalars.count - 1)
                let token = literal ? String(scalar) : String(scalar).utf8.map { "=" + hex($0) }.joined()
                if current.utf8.count + token.utf8.count > maxBodyLineLength - 1 {
                    output.append(current + "=")
                    current = ""
                }
                current += token
            }
            output.append(current)
        }
        return output.joined(separator: "\r\n")
    }

    /// `text` in UTF-8 with every line break (LF, CR or CRLF) written as CRLF: the canonical form
    /// of a `text/*` body (RFC 2046 §4.1.1), which base64 encodes.
    public static func canonicalText(_ text: String) -> [UInt8] {
        Array(lines(of: text).joined(separator: [0x0D, 0x0A]))
    }

    /// The UTF-8 bytes of each line of `text`, whichever line break it uses.
    static func lines(of text: String) -> [[UInt8]] {
        var lines: [[UInt8]] = [[]]
        var previousWasCR = false
        for byte in text.utf8 {
            switch byte {
            case 0x0D:
                lines.append([])
                previousWasCR = true
                continue
            case 0x0A where previousWasCR:
                break
            case 0x0A:
                lines.append([])
            default:
                lines[lines.count - 1].append(byte)
            }
            previousWasCR = false
        }
        return lines
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }
}
