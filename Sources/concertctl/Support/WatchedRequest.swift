import ConcertProtocol

extension ControlCommand {
    /// Sends a request that may take longer than any fixed wait (an import's commit, a backup of
    /// a large database) and waits for its reply for as long as the daemon keeps answering
    /// `ping`, sent every half second on another connection with `--timeout`: a daemon that
    /// answers is at work, not gone.
    ///
    /// `ping` gets the daemon's answer (to show progress with). Throws the
    /// ``ControlClientError`` of the request's own connection, or of the first ping left
    /// unanswered.
    func watchedExchange<Params, Result, PingParams, PingResult>(
        _ method: ControlMethod<Params, Result>, _ params: Params,
        ping: ControlMethod<PingParams, PingResult>, _ pingParams: PingParams, in context: CommandContext,
        onPing: @escaping @Sendable (ControlReply) -> Void = { _ in }
    ) async throws -> ControlReply {
        let stopWaiting = StopFlag()
        let global = global
        let event = try await withThrowingTaskGroup(
            of: Swift.Result<ControlReply, ControlClientError>?.self,
            returning: Swift.Result<ControlReply, ControlClientError>?.self
        ) { group in
            group.addTask {
                do {
                    return .success(
                        try await global.exchange(method, params, in: context, timeout: nil, stop: stopWaiting))
                } catch let error as ControlClientError {
                    return .failure(error)
                }
            }
            group.addTask {
                while true {
                    try await Task.sleep(for: .milliseconds(500))
                    do {
                        onPing(
                            try await global.exchange(ping, pingParams, in: context, timeout: global.timeout))
                    } catch let error as ControlClientError {
                        // The group waits for the request's thread: stop it before leaving.
                        stopWaiting.raise()
                        return .failure(error)
                    }
                }
            }
            defer { group.cancelAll() }
            while let event = try await group.next() {
                if let event { return event }
            }
            return nil
        }
        guard let event else { throw ControlClientError.noReply("the request ended without a reply") }
        return try event.get()
    }
}
