import CCurl
import Foundation

/// One libcurl easy handle, reused across transfers, and the state of the transfer it runs.
///
/// Confined to the transport thread. libcurl's callbacks reach it through `Unmanaged` user data set in
/// `prepare`; the transport loop keeps it alive for as long as libcurl holds that pointer. Its buffers
/// keep their capacity from one transfer to the next.
final class EasyHandle {
    /// The `CURL *`.
    let curl: UnsafeMutableRawPointer
    /// `CURLOPT_ERRORBUFFER`: libcurl writes into it during the transfer, so it never moves.
    let errorBuffer: UnsafeMutablePointer<CChar>
    var headerList: UnsafeMutablePointer<curl_slist>?
    var recipientList: UnsafeMutablePointer<curl_slist>?

    /// The callback of the running transfer; `nil` while idle.
    var completion: (@Sendable (TransferResult) -> Void)?
    var isMail = false
    /// HTTP: the request's URL, whose host a refused address names.
    var url: String?

    /// The networks this transfer may not connect to, and the first refused address it met.
    var denyList = AddressDenyList.none
    var refused: (address: IPAddress, network: IPNetwork)?

    var body: [UInt8] = []
    var bodyLength = 0
    var bodyLimit = 0
    var abortLimit = 0
    var cutOff = false

    var upload = Data()
    var uploadOffset = 0

    /// SMTP: the conversation so far, and the command verbs it records.
    var conversation: [TransferResult.Line] = []
    var reportedCommands: Set<String> = []
    static let replyLimit = 512

    init?() {
        guard let curl = curl_easy_init() else { return nil }
        self.curl = curl
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
    }

    deinit {
        curl_easy_cleanup(curl)
        curl_slist_free_all(headerList)
        curl_slist_free_all(recipientList)
        errorBuffer.deallocate()
    }

    /// Forgets the finished transfer and resets libcurl's options; connections stay in the multi
    /// handle's cache.
    func recycle() {
        curl_easy_reset(curl)
        curl_slist_free_all(headerList)
        curl_slist_free_all(recipientList)
        headerList = nil
        recipientList = nil
        completion = nil
        url = nil
        denyList = .none
        refused = nil
        body.removeAll(keepingCapacity: true)
        bodyLength = 0
        cutOff = false
        upload = Data()
        uploadOffset = 0
        conversation.removeAll(keepingCapacity: true)
        reportedCommands = []
        errorBuffer[0] = 0
    }
}
