import ConcertShared

/// Columns aligned for a terminal, counting Hangul and other wide characters as two cells.
///
/// Cells are values (labels, titles, the daemon's messages): they are escaped
/// (``TerminalEscaping``) before the columns are measured.
struct TextTable {
    var headers: [String]
    var rows: [[String]] = []

    init(_ headers: String...) {
        self.headers = headers
    }

    mutating func add(_ cells: String...) {
        rows.append(cells)
    }

    /// The table as lines: a header, then one line per row; the last column is not padded.
    func render() -> HumanText {
        let all = ([headers] + rows).map { $0.map(HumanText.value) }
        let widths = headers.indices.map { column in all.map { Self.width(of: $0[column].text) }.max() ?? 0 }
        let lines = all.map { cells in
            let padded = cells.indices.map { column in
                column == cells.count - 1
                    ? cells[column] : cells[column].padded(by: widths[column] - Self.width(of: cells[column].text))
            }
            return HumanText.joined(padded, separator: "  ").trimmingTrailingSpaces()
        }
        return HumanText.joined(lines)
    }

    /// Terminal cells `text` takes: two for East Asian wide characters, one otherwise.
    static func width(of text: String) -> Int {
        text.unicodeScalars.reduce(0) { total, scalar in
            switch scalar.value {
            case 0x0300...0x036F, 0x200B...0x200F: total
            case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
                0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x20000...0x3FFFD:
                total + 2
            default: total + 1
            }
        }
    }
}
