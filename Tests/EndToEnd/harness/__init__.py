"""The end-to-end harness: real peers (SMTP, HTTP) and the real concertd / concertctl binaries."""
