/// Korea time, JSON values and the text checks that ConcertCore shares with concertctl live in
/// ConcertShared, which concertctl links without GRDB or libcurl. They are part of ConcertCore's
/// API: whoever imports ConcertCore reads them without importing ConcertShared as well.
@_exported import ConcertShared
