extension CurlTransport {
    /// Settings of the sending engine shared by all transfers; every field has a default.
    public struct Configuration: Sendable, Hashable {
        /// PEM bundle of the certificate authorities trusted for HTTPS (`http_ca_bundle`); `nil` uses
        /// libcurl's built-in default (`/etc/ssl/certs/ca-certificates.crt` on Debian). A mail transfer
        /// names its own (``Smarthost/caBundlePath``). Verification is always on.
        public var caBundlePath: String?
        /// How many idle connections libcurl keeps open for reuse (`CURLMOPT_MAXCONNECTS`).
        public var maxConnections: Int
        /// How many bytes of a response body are kept for the verdict and error texts.
        public var responseBodyLimit: Int
        /// A response body longer than this is not read further: the transfer is cut, its status kept.
        public var responseAbortLimit: Int
        /// The `User-Agent` of HTTP requests.
        public var userAgent: String
        /// How many idle easy handles are kept for the next transfers.
        public var idleHandleLimit: Int

        public init(
            caBundlePath: String? = nil, maxConnections: Int = 64, responseBodyLimit: Int = 16 * 1024,
            responseAbortLimit: Int = 1024 * 1024, userAgent: String = "concertd/0.1", idleHandleLimit: Int = 256
        ) {
            self.caBundlePath = caBundlePath
            self.maxConnections = maxConnections
            self.responseBodyLimit = responseBodyLimit
            self.responseAbortLimit = max(responseAbortLimit, responseBodyLimit)
            self.userAgent = userAgent
            self.idleHandleLimit = idleHandleLimit
        }
    }
}
