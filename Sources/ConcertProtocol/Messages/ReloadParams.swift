/// The parameters of `reload`: `{}`, or `{"take_file": true}`.
public struct ReloadParams: ControlParams, Hashable {
    /// Import the catalog file even when it did not change since this instance last read it and
    /// the catalog in force on a store instances share is another (which a plain reload keeps).
    public var takeFile: Bool?

    public init(takeFile: Bool? = nil) {
        self.takeFile = takeFile
    }

    private enum CodingKeys: String, CodingKey {
        case takeFile = "take_file"
    }
}
