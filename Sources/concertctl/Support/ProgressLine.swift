import Foundation

/// One line on standard error that long work (an import, a backup) redraws as it goes, when
/// standard error is a terminal; nothing at all otherwise, so logs and pipes get only results.
///
/// The line is drawn with a carriage return and erased to its end (`ESC [ K`), at most ten
/// times a second, and cleared before anything else is printed.
final class ProgressLine: @unchecked Sendable {
    // @unchecked: `lastDrawn` and `shown` are only touched while holding `lock`.
    private let lock = NSLock()
    private let output: OutputWriter
    let isEnabled: Bool
    private let started = ContinuousClock.now
    private var lastDrawn: ContinuousClock.Instant?
    private var shown = false

    init(_ context: CommandContext) {
        output = context.output
        isEnabled = context.errorIsTerminal
    }

    /// Seconds since the work began.
    var elapsed: Double {
        let duration = ContinuousClock.now - started
        return Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// Shows `text`, unless the line was drawn less than a tenth of a second ago (`force` draws anyway).
    func show(_ text: HumanText, force: Bool = false) {
        guard isEnabled else { return }
        lock.withLock {
            let now = ContinuousClock.now
            if !force, let lastDrawn, now - lastDrawn < .milliseconds(100) { return }
            lastDrawn = now
            shown = true
            output.writeError("\r\(text.text)\u{1B}[K")
        }
    }

    /// Erases the line, so the result is printed on a clean one.
    func clear() {
        guard isEnabled else { return }
        lock.withLock {
            guard shown else { return }
            shown = false
            output.writeError("\r\u{1B}[K")
        }
    }

    /// `checked 412,000 of 1,000,000 lines (41%), 38,000/s, 15 s left`: how far, how fast, how
    /// long still, from `done` of `total` after `seconds`.
    static func describe(_ verb: String, done: Int, of total: Int, unit: String, seconds: Double) -> HumanText {
        let percent = total > 0 ? min(100, done * 100 / total) : 100
        var text = "\(verb) \(grouped(done)) of \(grouped(total)) \(unit) (\(percent)%)"
        if seconds >= 0.5, done > 0 {
            let rate = Double(done) / seconds
            text += ", \(grouped(Int(rate)))/s"
            if done < total { text += ", \(Display.remaining(seconds: Double(total - done) / rate)) left" }
        }
        return "\(text)"
    }

    /// `1,000,000`.
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(digit)
        }
        return (value < 0 ? "-" : "") + result
    }
}
