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
        let encoder = JSONCoding.lineEncoder()
        var chunks: [Chunk] = []
        var current = Chunk(firstLine: 1, lines: [])
        var size = 0
        for (index, line) in lines.enumerated() {
            let encoded = try encoder.encode(line).count + 1
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
}
