import CCrypto
import Foundation

extension Catalog {
    /// What the catalog says, as a version: the first 16 hex digits of the SHA-256 of its stored
    /// form (``storedForm()``). Two catalogs have the same version when their cities, concerts and
    /// `info_url` are the same, whatever the file's comments and layout. The file's own `version`
    /// key is the format's (always 1) and cannot tell two catalogs apart.
    public var version: String {
        // The stored form of a catalog cannot fail to encode: strings, arrays and concerts.
        let bytes = Array((try? storedForm()).map { Data($0.utf8) } ?? Data())
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        let status = bytes.withUnsafeBufferPointer { input in
            digest.withUnsafeMutableBufferPointer { output in
                EVP_Digest(input.baseAddress, input.count, output.baseAddress, &length, ccrypto_sha256(), nil)
            }
        }
        precondition(status == 1 && length == 32, "OpenSSL's SHA-256 failed")
        return digest.prefix(8).map { String(format: "%02x", $0) }.joined()
    }

    /// The catalog as the store keeps it (`catalog_in_force.body`): JSON with sorted keys, cities
    /// and concerts in the file's order, each concert as the database keeps concerts.
    public func storedForm() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(StoredCatalog(infoURL: infoURL, cities: cities, concerts: concerts))
        return String(decoding: data, as: UTF8.self)
    }

    /// The catalog a store kept as ``storedForm()``.
    public init(storedForm: String) throws {
        let stored = try JSONDecoder().decode(StoredCatalog.self, from: Data(storedForm.utf8))
        self.init(cities: stored.cities, concerts: stored.concerts, infoURL: stored.infoURL)
    }
}

/// The shape of ``Catalog/storedForm()``.
private struct StoredCatalog: Codable {
    var infoURL: String
    var cities: [City]
    var concerts: [Concert]

    enum CodingKeys: String, CodingKey {
        case infoURL = "info_url"
        case cities, concerts
    }
}
