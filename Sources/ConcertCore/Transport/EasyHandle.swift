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
    /// What texts of this transfer must not show: the webhook URL or the SMTP password. The
    /// redactor is built only when there is a text to redact, off the fast path of a success.
    var secret = TransferSecret.none

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
        secret = .none
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

    // MARK: Called from libcurl's callbacks on the transport thread

    /// Keeps the start of the response body, counts the rest, and stops reading past the abort limit.
    func receive(_ bytes: UnsafeMutablePointer<CChar>?, count: Int) -> Int {
        bodyLength += count
        if bodyLength > abortLimit {
            cutOff = true
            return 0  // anything but `count` makes libcurl abort with CURLE_WRITE_ERROR
        }
        let room = bodyLimit - body.count
        if room > 0, let bytes {
            body.append(contentsOf: UnsafeRawBufferPointer(start: bytes, count: min(room, count)))
        }
        return count
    }

    /// Opens the socket of a connection libcurl is about to make, unless the deny list refuses
    /// its address: then records why and returns `CURL_SOCKET_BAD`, and libcurl tries the
    /// host's next address or fails with `CURLE_COULDNT_CONNECT`.
    func openSocket(_ address: UnsafeMutablePointer<curl_sockaddr>) -> curl_socket_t {
        let family = address.pointee.family
        let length = Int(address.pointee.addrlen)
        let offset = MemoryLayout<curl_sockaddr>.offset(of: \curl_sockaddr.addr) ?? 16
        if let ip = IPAddress(socketAddress: UnsafeRawPointer(address) + offset, length: length),
            let network = denyList.refusing(ip)
        {
            if refused == nil { refused = (ip, network) }
            return CURL_SOCKET_BAD
        }
        return socket(family, address.pointee.socktype | Int32(SOCK_CLOEXEC.rawValue), address.pointee.protocol)
    }

    /// Whether the request may go over the connection libcurl chose, whose peer is `primaryIP`.
    func allowsRequest(toPeer primaryIP: String) -> Bool {
        guard let ip = IPAddress(primaryIP), let network = denyList.refusing(ip) else { return true }
        if refused == nil { refused = (ip, network) }
        return false
    }

    /// Copies the next part of the message to upload into libcurl's buffer.
    func provide(into buffer: UnsafeMutablePointer<CChar>?, capacity: Int) -> Int {
        if uploadOffset == 0 && !conversation.contains(.uploadStarted) { conversation.append(.uploadStarted) }
        let count = min(capacity, upload.count - uploadOffset)
        guard count > 0, let buffer else { return 0 }
        upload.withUnsafeBytes { source in
            UnsafeMutableRawPointer(buffer).copyMemory(from: source.baseAddress! + uploadOffset, byteCount: count)
        }
        uploadOffset += count
        return count
    }

    /// Moves the upload back to `offset`, when libcurl must send the message again on a fresh connection.
    func rewind(to offset: Int) -> Bool {
        guard offset >= 0, offset <= upload.count else { return false }
        uploadOffset = offset
        return true
    }

    /// Records the SMTP conversation: the server's reply lines (a run of them as its last line)
    /// and the verbs of the commands libcurl sends, when they are among `reportedCommands`.
    func observe(_ type: curl_infotype, _ bytes: UnsafeMutablePointer<CChar>?, count: Int) {
        guard let bytes else { return }
        let line = UnsafeRawBufferPointer(start: bytes, count: count)
        switch type {
        case CURLINFO_HEADER_IN:
            var end = count
            while end > 0, line[end - 1] == UInt8(ascii: "\n") || line[end - 1] == UInt8(ascii: "\r") { end -= 1 }
            let reply = TransferResult.Line.reply(String(decoding: line[0..<min(end, Self.replyLimit)], as: UTF8.self))
            if case .reply? = conversation.last {
                conversation[conversation.count - 1] = reply
            } else {
                conversation.append(reply)
            }
        case CURLINFO_HEADER_OUT:
            // Only the first word, and only a known verb: the rest of a line may be a credential.
            let verb = line.prefix {
                $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\r") && $0 != UInt8(ascii: "\n")
            }
            guard verb.count <= 8 else { return }
            let word = String(decoding: verb, as: UTF8.self).uppercased()
            if reportedCommands.contains(word) { conversation.append(.command(word)) }
        default:
            break
        }
    }
}
