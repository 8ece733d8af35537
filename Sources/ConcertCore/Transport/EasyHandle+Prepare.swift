import CCurl
import Foundation

extension EasyHandle {
    /// Sets every option of `job` on this (reset) handle; the handle is then ready for the multi handle.
    func prepare(_ job: TransferJob, configuration: CurlTransport.Configuration) throws(TransferPreparationError) {
        let transfer = try job.build()
        completion = job.completion
        errorBuffer[0] = 0
        let me = Unmanaged.passUnretained(self).toOpaque()
        try set(CURLOPT_ERRORBUFFER, pointer: UnsafeMutableRawPointer(errorBuffer))
        try set(CURLOPT_PRIVATE, pointer: me)
        try set(CURLOPT_NOSIGNAL, 1)
        try set(CURLOPT_SSL_VERIFYPEER, 1)
        try set(CURLOPT_SSL_VERIFYHOST, 2)
        // Each kind of transfer trusts its own CAs: webhooks the transport's, the smarthost its own.
        let caBundlePath: String?
        if case .mail(let mail) = transfer {
            caBundlePath = mail.caBundlePath
        } else {
            caBundlePath = configuration.caBundlePath
        }
        if let caBundlePath { try set(CURLOPT_CAINFO, caBundlePath) }
        try check(ccurl_easy_setopt_write_function(curl, EasyCallbacks.write), "WRITEFUNCTION")
        try set(CURLOPT_WRITEDATA, pointer: me)
        bodyLimit = configuration.responseBodyLimit
        abortLimit = configuration.responseAbortLimit

        switch transfer {
        case .http(let request, let timeouts, let deny):
            isMail = false
            url = request.url
            try prepareHTTP(request, timeouts: timeouts, userAgent: configuration.userAgent)
            try refuseConnections(to: deny, me: me)
        case .mail(let mail):
            isMail = true
            try prepareMail(mail, me: me)
        }
    }

    private func prepareHTTP(_ request: HTTPRequest, timeouts: TransferTimeouts, userAgent: String)
        throws(TransferPreparationError)
    {
        try set(CURLOPT_URL, request.url)
        try set(CURLOPT_PROTOCOLS_STR, "http,https")
        try set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        try set(CURLOPT_FOLLOWLOCATION, 0)
        try setTimeouts(timeouts)
        try set(CURLOPT_USERAGENT, userAgent)

        let method = request.method.uppercased()
        guard !method.isEmpty, method.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: ":") }) else {
            throw TransferPreparationError(failure: .invalidRequest, message: "the HTTP method is not a token")
        }
        try check(
            ccurl_easy_setopt_off_t(curl, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count)), "POSTFIELDSIZE")
        // COPYPOSTFIELDS copies POSTFIELDSIZE bytes at once, so the body need not outlive this call.
        let copied = request.body.withUnsafeBytes { bytes in
            guard let base = bytes.baseAddress else {
                return ccurl_easy_setopt_string(curl, CURLOPT_COPYPOSTFIELDS, "")
            }
            return ccurl_easy_setopt_pointer(curl, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: base))
        }
        try check(copied, "COPYPOSTFIELDS")
        if method != "POST" { try set(CURLOPT_CUSTOMREQUEST, method) }

        var hasExpect = false
        for header in request.headers {
            guard Self.isHeaderSafe(header.name), !header.name.isEmpty,
                !header.name.utf8.contains(UInt8(ascii: ":")), Self.isHeaderSafe(header.value)
            else {
                throw TransferPreparationError(
                    failure: .invalidRequest, message: "a header contains a line break or NUL")
            }
            if header.name.utf8.count == 6 && header.name.lowercased() == "expect" { hasExpect = true }
            // "Name:" alone would remove the header; "Name;" sends it empty.
            try appendHeader(header.value.isEmpty ? "\(header.name);" : "\(header.name): \(header.value)")
        }
        // No `Expect: 100-continue` round trip before bodies over 1 KiB.
        if !hasExpect { try appendHeader("Expect:") }
        try check(ccurl_easy_setopt_slist(curl, CURLOPT_HTTPHEADER, headerList), "HTTPHEADER")
    }

    /// Installs the checks of `deny`: on each address before libcurl opens a socket to it, and on
    /// the connection's address before each request (a reused connection may predate a reload).
    private func refuseConnections(to deny: AddressDenyList, me: UnsafeMutableRawPointer)
        throws(TransferPreparationError)
    {
        denyList = deny
        guard !deny.networks.isEmpty else { return }
        try check(ccurl_easy_setopt_opensocket_function(curl, EasyCallbacks.openSocket), "OPENSOCKETFUNCTION")
        try set(CURLOPT_OPENSOCKETDATA, pointer: me)
        try check(ccurl_easy_setopt_prereq_function(curl, EasyCallbacks.prerequest), "PREREQFUNCTION")
        try set(CURLOPT_PREREQDATA, pointer: me)
    }

    private func prepareMail(_ mail: MailTransfer, me: UnsafeMutableRawPointer) throws(TransferPreparationError) {
        try set(CURLOPT_URL, mail.url)
        try set(CURLOPT_PROTOCOLS_STR, "smtp,smtps")
        try set(CURLOPT_REDIR_PROTOCOLS_STR, "smtp,smtps")
        try setTimeouts(mail.timeouts)
        // STARTTLS whenever the server offers it; required, the server must offer it.
        try set(CURLOPT_USE_SSL, Int(mail.requireTLS ? CURLUSESSL_ALL.rawValue : CURLUSESSL_TRY.rawValue))
        switch MailConnectionReuse(since: mail.connectionsSince, now: .now) {
        case .any: break
        case .fresh: try set(CURLOPT_FRESH_CONNECT, 1)
        case .openedWithin(let seconds): try set(CURLOPT_MAXLIFETIME_CONN, seconds)
        }
        if let username = mail.username { try set(CURLOPT_USERNAME, username) }
        if let password = mail.password { try set(CURLOPT_PASSWORD, password) }

        guard Self.isAddressSafe(mail.mailFrom) else {
            throw TransferPreparationError(
                failure: .invalidRequest, message: "the envelope sender is not a plain address")
        }
        try set(CURLOPT_MAIL_FROM, "<\(mail.mailFrom)>")
        guard !mail.recipients.isEmpty else {
            throw TransferPreparationError(failure: .invalidRequest, message: "the message has no recipient")
        }
        for recipient in mail.recipients {
            guard !recipient.isEmpty, Self.isAddressSafe(recipient) else {
                throw TransferPreparationError(failure: .invalidRequest, message: "a recipient is not a plain address")
            }
            guard let list = curl_slist_append(recipientList, "<\(recipient)>") else {
                throw TransferPreparationError(failure: .other, message: "out of memory")
            }
            recipientList = list
        }
        try check(ccurl_easy_setopt_slist(curl, CURLOPT_MAIL_RCPT, recipientList), "MAIL_RCPT")
        // Not set: CURLOPT_MAIL_RCPT_ALLOWFAILS (CURLOPT_MAIL_RCPT_ALLLOWFAILS in libcurl 7.88, which
        // these machines run). It would deliver to the accepted recipients and report success, and one
        // verdict cannot say that some recipients were refused; so one refused recipient fails the
        // whole message.

        upload = mail.message
        uploadOffset = 0
        reportedCommands = mail.reportedCommands
        try set(CURLOPT_UPLOAD, 1)
        try check(ccurl_easy_setopt_off_t(curl, CURLOPT_INFILESIZE_LARGE, curl_off_t(upload.count)), "INFILESIZE")
        try check(ccurl_easy_setopt_read_function(curl, EasyCallbacks.read), "READFUNCTION")
        try set(CURLOPT_READDATA, pointer: me)
        try check(ccurl_easy_setopt_seek_function(curl, EasyCallbacks.seek), "SEEKFUNCTION")
        try set(CURLOPT_SEEKDATA, pointer: me)
        // The debug callback is how the commands and the server's replies are seen.
        try check(ccurl_easy_setopt_debug_function(curl, EasyCallbacks.debug), "DEBUGFUNCTION")
        try set(CURLOPT_DEBUGDATA, pointer: me)
        try set(CURLOPT_VERBOSE, 1)
    }

    private func setTimeouts(_ timeouts: TransferTimeouts) throws(TransferPreparationError) {
        try set(CURLOPT_CONNECTTIMEOUT_MS, timeouts.connect.curlMilliseconds)
        try set(CURLOPT_TIMEOUT_MS, timeouts.total.curlMilliseconds)
    }

    private func appendHeader(_ line: String) throws(TransferPreparationError) {
        guard let list = curl_slist_append(headerList, line) else {
            throw TransferPreparationError(failure: .other, message: "out of memory")
        }
        headerList = list
    }

    private static func isHeaderSafe(_ text: String) -> Bool {
        !text.utf8.contains { $0 == 0x0D || $0 == 0x0A || $0 == 0 }
    }

    /// No line breaks, NUL, spaces or angle brackets: nothing that could change the SMTP command.
    private static func isAddressSafe(_ text: String) -> Bool {
        !text.utf8.contains { $0 <= 0x20 || $0 == 0x7F || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") }
    }

    private func set(_ option: CURLoption, _ value: Int) throws(TransferPreparationError) {
        try check(ccurl_easy_setopt_long(curl, option, value), option)
    }

    private func set(_ option: CURLoption, _ value: String) throws(TransferPreparationError) {
        try check(ccurl_easy_setopt_string(curl, option, value), option)
    }

    private func set(_ option: CURLoption, pointer: UnsafeMutableRawPointer) throws(TransferPreparationError) {
        try check(ccurl_easy_setopt_pointer(curl, option, pointer), option)
    }

    private func check(_ code: CURLcode, _ option: CURLoption) throws(TransferPreparationError) {
        try check(code, "option \(option.rawValue)")
    }

    private func check(_ code: CURLcode, _ what: String) throws(TransferPreparationError) {
        guard code != CURLE_OK else { return }
        let reason = String(cString: curl_easy_strerror(code))
        throw TransferPreparationError(
            failure: code == CURLE_UNSUPPORTED_PROTOCOL ? .refusedURL : .invalidRequest,
            message: "libcurl refused \(what): \(reason)")
    }
}
