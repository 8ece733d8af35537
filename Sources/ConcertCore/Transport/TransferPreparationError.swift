/// Why a job could not be handed to libcurl.
struct TransferPreparationError: Error {
    var failure: TransferFailure
    var message: String
}
