import CCurl
import Foundation

/// The C callbacks given to libcurl: they capture nothing and find their `EasyHandle` in the user data,
/// whose methods below do the work.
enum EasyCallbacks {
    static let write: ccurl_data_callback = { bytes, size, count, userdata in
        guard let userdata else { return 0 }
        return Unmanaged<EasyHandle>.fromOpaque(userdata).takeUnretainedValue().receive(bytes, count: size * count)
    }

    static let read: ccurl_data_callback = { buffer, size, count, userdata in
        guard let userdata else { return Int(CURL_READFUNC_ABORT) }
        return Unmanaged<EasyHandle>.fromOpaque(userdata).takeUnretainedValue().provide(
            into: buffer, capacity: size * count)
    }

    static let seek: ccurl_seek_callback = { userdata, offset, origin in
        guard let userdata, origin == SEEK_SET,
            Unmanaged<EasyHandle>.fromOpaque(userdata).takeUnretainedValue().rewind(to: Int(offset))
        else { return CURL_SEEKFUNC_CANTSEEK }
        return CURL_SEEKFUNC_OK
    }

    static let openSocket: curl_opensocket_callback = { userdata, purpose, address in
        guard let userdata, let address, purpose == CURLSOCKTYPE_IPCXN else { return CURL_SOCKET_BAD }
        return Unmanaged<EasyHandle>.fromOpaque(userdata).takeUnretainedValue().openSocket(address)
    }

    static let prerequest: curl_prereq_callback = { userdata, primaryIP, _, _, _ in
        guard let userdata, let primaryIP else { return Int32(CURL_PREREQFUNC_ABORT) }
        let easy = Unmanaged<EasyHandle>.fromOpaque(userdata).takeUnretainedValue()
        return easy.allowsRequest(toPeer: String(cString: primaryIP))
            ? Int32(CURL_PREREQFUNC_OK) : Int32(CURL_PREREQFUNC_ABORT)
    }

    static let debug: ccurl_debug_callback = { _, type, bytes, size, userdata in
        guard let userdata else { return 0 }
        Unmanaged<EasyHandle>.fromOpaque(userdata).takeUnretainedValue().observe(type, bytes, count: size)
        return 0
    }
}

/// What libcurl's callbacks do, on the transport thread.
extension EasyHandle {
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
