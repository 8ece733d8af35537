import Foundation
import Glibc

/// An input file named on the command line (`subscribe --from FILE`), read whole as UTF-8 text.
///
/// Every way it can fail is one ``Failure`` that names the file and the reason (missing,
/// permission denied, a directory, a byte that is not UTF-8 and where), so the command ends with
/// exit 66 ("an input file cannot be read") and the reader knows what to fix.
enum InputFile {
    struct Failure: Error {
        var message: String
    }

    /// The text of the file at `path`, which `option` named.
    static func text(at path: String, option: String) throws(Failure) -> String {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw Failure(message: "cannot read \(option) file \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var info = stat()
        if fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFDIR {
            throw Failure(message: "cannot read \(option) file \(path): it is a directory")
        }
        var bytes = Data()
        bytes.reserveCapacity(max(0, Int(info.st_size)))
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count == 0 { break }
            if count < 0 {
                if errno == EINTR { continue }
                throw Failure(message: "cannot read \(option) file \(path): \(String(cString: strerror(errno)))")
            }
            bytes.append(contentsOf: buffer[..<count])
        }
        let text = bytes.withUnsafeBytes { raw in
            String(validating: raw.bindMemory(to: UInt8.self), as: UTF8.self)
        }
        guard let text else {
            throw Failure(message: "cannot read \(option) file \(path): \(Self.invalidUTF8(in: bytes))")
        }
        return text
    }

    /// Where the first byte that is not UTF-8 is: `it is not UTF-8 text: line 3 has a byte 0xFF
    /// (byte 41 of the file) that is not UTF-8`.
    static func invalidUTF8(in bytes: Data) -> String {
        var iterator = bytes.makeIterator()
        var parser = Unicode.UTF8.ForwardParser()
        var offset = 0
        var line = 1
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded):
                if encoded.count == 1, encoded.first == 0x0A { line += 1 }
                offset += encoded.count
            case .error:
                let byte = String(format: "0x%02X", bytes[bytes.startIndex + offset])
                return
                    "it is not UTF-8 text: line \(line) has a byte \(byte) (byte \(offset + 1) of the file) that is not UTF-8"
            case .emptyInput:
                return "it is not UTF-8 text"
            }
        }
    }
}
