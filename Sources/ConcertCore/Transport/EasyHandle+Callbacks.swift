import CCurl

/// The C callbacks given to libcurl: they capture nothing and find their `EasyHandle` in the user data.
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
