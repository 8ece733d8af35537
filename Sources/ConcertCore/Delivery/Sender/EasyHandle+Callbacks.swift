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

    static let debug: ccurl_debug_callback = { _, type, bytes, size, userdata in
        guard let userdata else { return 0 }
        Unmanaged<EasyHandle>.fromOpaque(userdata).takeUnretainedValue().observe(type, bytes, count: size)
        return 0
    }
}
