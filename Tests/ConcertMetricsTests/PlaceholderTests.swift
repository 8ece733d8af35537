import Testing

@testable import ConcertMetrics
