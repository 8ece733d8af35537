import ArgumentParser
import ConcertProtocol

/// Splits an import file's lines into chunks whose requests each fit in one control-socket line.
enum ImportChunks {
    struct Chunk {
        /// The file's line number of `lines[0]`.
        var firstLine: Int
        var lines: [String]
    }

    /// Room left in a request line for the lines themselves, after the JSON-RPC envelope.
    static let budget = ControlLineFramer.maximumLineLength - 1024

    static func split(_ lines: [String]) throws -> [Chunk] {
        var chunks: [Chunk] = []
        var current = Chunk(firstLine: 1, lines: [])
        var size = 0
        for (index, line) in lines.enumerated() {
            let encoded = encodedLength(line) + 1
            guard encoded <= budget else {
                throw ValidationError("line \(index + 1) of the import file is longer than \(budget) bytes")
            }
            if size + encoded > budget {
                chunks.append(current)
                current = Chunk(firstLine: index + 1, lines: [])
                size = 0
            }
            current.lines.append(line)
            size += encoded
        }
        chunks.append(current)
        return chunks
    }

    /// The length of `text` encoded as a JSON string by ``JSONCoding/lineEncoder()``, quotes
    /// included, counted without encoding it: `"` and `\\` and the control characters with a
    /// short escape take two bytes, the other control characters six (`\\u001f`), and
    /// everything else (slashes too) its UTF-8 bytes.
    static func encodedLength(_ text: String) -> Int {
        var length = 2
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), 0x08, 0x09, 0x0A, 0x0C, 0x0D: length += 2
            case 0x00..<0x20: length += 6
            default: length += 1
            }
        }
        return length
    }

    /// The lines of an import file, as `components(separatedBy: "\n")` gives them (a `\r\n`
    /// pair is one character, not a line break), found by scanning its UTF-8 bytes: Foundation's
    /// search takes as long as the rest of concertctl's work on a file of a million lines.
    static func lines(of text: String) -> [String] {
        var text = text
        return text.withUTF8 { bytes in
            var lines: [String] = []
            var start = 0
            for index in bytes.indices where bytes[index] == 0x0A && (index == 0 || bytes[index - 1] != 0x0D) {
                lines.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self))
                start = index + 1
            }
            lines.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start...]), as: UTF8.self))
            return lines
        }
    }
}
