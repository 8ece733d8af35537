import CCurl
import Foundation

extension EasyHandle {
    /// What this handle's transfer came to, read from libcurl before the handle leaves the multi handle.
    func result(of code: CURLcode) -> TransferResult {
        var responseCode = 0
        _ = ccurl_easy_getinfo_long(curl, CURLINFO_RESPONSE_CODE, &responseCode)
        var failure = Self.failure(of: code, cutOff: cutOff)
        var message = ""
        var denied: DeniedAddress?
        if code == CURLE_COULDNT_CONNECT || code == CURLE_ABORTED_BY_CALLBACK, let refused {
            failure = .addressDenied
            denied = DeniedAddress(host: urlHost, address: refused.address, network: refused.network)
            message = "the address \(refused.address) is in \(refused.network), which the deny list refuses"
        } else if code != CURLE_OK {
            let text = errorBuffer[0] != 0 ? String(cString: errorBuffer) : String(cString: curl_easy_strerror(code))
            message = cutOff ? "the response body is larger than \(abortLimit) bytes" : text
        }
        if isMail {
            return TransferResult(
                failure: failure, curlCode: Int(code.rawValue), message: message, responseCode: responseCode,
                conversation: conversation)
        }
        return TransferResult(
            failure: failure, curlCode: Int(code.rawValue), message: message, responseCode: responseCode,
            retryAfter: header(named: "Retry-After"), body: Data(body), bodyLength: bodyLength,
            deniedAddress: denied)
    }

    /// The host of the transfer's URL, as written in it.
    private var urlHost: String? {
        url.flatMap { URLComponents(string: $0)?.host }
    }

    /// The value of the last response's header `name`, if it has one.
    private func header(named name: String) -> String? {
        var header: UnsafeMutablePointer<curl_header>?
        guard curl_easy_header(curl, name, 0, UInt32(CURLH_HEADER), -1, &header) == CURLHE_OK,
            let value = header?.pointee.value
        else { return nil }
        return String(cString: value)
    }

    /// Sorts libcurl's result codes into the failures a transfer can meet.
    static func failure(of code: CURLcode, cutOff: Bool) -> TransferFailure? {
        switch code {
        case CURLE_OK: return nil
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY: return .couldNotResolve
        case CURLE_COULDNT_CONNECT: return .couldNotConnect
        case CURLE_OPERATION_TIMEDOUT: return .timedOut
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
            CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
            CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CRL_BADFILE, CURLE_SSL_ENGINE_NOTFOUND,
            CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_ENGINE_INITFAILED, CURLE_SSL_SHUTDOWN_FAILED:
            return .tls
        case CURLE_USE_SSL_FAILED: return .tlsUnavailable
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT: return .refusedURL
        case CURLE_LOGIN_DENIED: return .loginDenied
        case CURLE_WEIRD_SERVER_REPLY: return .unexpectedReply
        // libcurl also reports a refused SMTP MAIL, RCPT or DATA command as a send error.
        case CURLE_SEND_ERROR: return .sendFailed
        case CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE, CURLE_HTTP2,
            CURLE_HTTP2_STREAM, CURLE_SEND_FAIL_REWIND:
            return .connectionLost
        case CURLE_WRITE_ERROR where cutOff, CURLE_FILESIZE_EXCEEDED: return .responseTooLarge
        default: return .other
        }
    }
}
