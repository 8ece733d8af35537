// Raw libcurl-multi POST loop: the baseline the daemon's webhook fan-out is compared with.
//
// N POSTs of a ~1 KiB JSON body (the size of a signed `generic` reminder), K in flight, each easy
// handle set up once and re-added when its transfer finishes so handles and connections are
// reused. No database, no scheduling, no message building: this is what libcurl alone can do
// against the receiver on this machine, now.
//
//   RawCurlMulti URL [N=10000] [K=32] [BODY_BYTES=1100]
//
// Prints one line: `raw-curl-multi: N POSTs in S s = R POSTs/s (K in flight, B-byte body, F failed)`.
import CCurl
import Foundation

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    FileHandle.standardError.write(Data("usage: RawCurlMulti URL [N] [K] [BODY_BYTES]\n".utf8))
    exit(64)
}
let url = arguments[1]
let total = arguments.count > 2 ? Int(arguments[2]) ?? 10_000 : 10_000
let inFlight = arguments.count > 3 ? Int(arguments[3]) ?? 32 : 32
let bodyBytes = arguments.count > 4 ? Int(arguments[4]) ?? 1_100 : 1_100

// A body shaped like a generic reminder, padded to the requested size.
var body =
    #"{"type":"concert.reminder","timestamp":"2019-09-29T14:00:00+09:00","data":{"concert":{"id":"daegu-2019","#
    + #""title":"Smart City citizen talk concert","start":"2019-10-29T14:00+09:00","venue":"Daegu"},"#
    + #""offset":"30d","lang":"en","text":""#
let tail = #""}}"#
body += String(repeating: "x", count: max(0, bodyBytes - body.utf8.count - tail.utf8.count)) + tail
let bodyBytesArray = Array(body.utf8)

let headerLines = [
    "Content-Type: application/json",
    "webhook-id: msg_2Lr9f7o4h1qv3Qm8nQy0vF6bZ1k",
    "webhook-timestamp: 1569733200",
    "webhook-signature: v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=",
    "Expect:",
]

curl_global_init(Int(CURL_GLOBAL_DEFAULT))
guard let multi = curl_multi_init() else { fatalError("curl_multi_init failed") }
_ = ccurl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, inFlight)

let headers: UnsafeMutablePointer<curl_slist>? = headerLines.reduce(nil) { list, line in curl_slist_append(list, line) }

// Discards the response body (a 204 has none, but do not let libcurl write to stdout).
let discard: ccurl_data_callback = { _, size, count, _ in size * count }

func makeHandle(
    url: String, headers: UnsafeMutablePointer<curl_slist>?, body: [UInt8], discard: ccurl_data_callback
) -> UnsafeMutableRawPointer {
    guard let easy = curl_easy_init() else { fatalError("curl_easy_init failed") }
    _ = ccurl_easy_setopt_string(easy, CURLOPT_URL, url)
    _ = ccurl_easy_setopt_long(easy, CURLOPT_NOSIGNAL, 1)
    _ = ccurl_easy_setopt_write_function(easy, discard)
    _ = ccurl_easy_setopt_slist(easy, CURLOPT_HTTPHEADER, headers)
    _ = ccurl_easy_setopt_off_t(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
    body.withUnsafeBytes { bytes in
        _ = ccurl_easy_setopt_pointer(
            easy, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress!))
    }
    return easy
}

var started = 0
var finished = 0
var failed = 0
let begin = DispatchTime.now().uptimeNanoseconds
for _ in 0..<min(inFlight, total) {
    curl_multi_add_handle(multi, makeHandle(url: url, headers: headers, body: bodyBytesArray, discard: discard))
    started += 1
}
while finished < total {
    var running: Int32 = 0
    curl_multi_perform(multi, &running)
    var queued: Int32 = 0
    while let message = curl_multi_info_read(multi, &queued) {
        guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
        var status = 0
        _ = ccurl_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
        if message.pointee.data.result != CURLE_OK || status / 100 != 2 { failed += 1 }
        finished += 1
        curl_multi_remove_handle(multi, easy)
        if started < total {
            curl_multi_add_handle(multi, easy)
            started += 1
        } else {
            curl_easy_cleanup(easy)
        }
    }
    if finished < total { curl_multi_poll(multi, nil, 0, 1000, nil) }
}
let seconds = Double(DispatchTime.now().uptimeNanoseconds - begin) / 1e9
print(
    String(
        format: "raw-curl-multi: %d POSTs in %.3f s = %.0f POSTs/s (%d in flight, %d-byte body, %d failed)",
        total, seconds, Double(total) / seconds, inFlight, bodyBytesArray.count, failed))
curl_multi_cleanup(multi)
curl_slist_free_all(headers)
exit(failed == 0 ? 0 : 1)
