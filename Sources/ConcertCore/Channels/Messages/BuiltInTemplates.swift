/// The built-in message templates: the files of `etc/concertd/templates/*.mustache`, embedded in
/// the binary by SwiftPM (`Package.swift`, `.embedInCode`), so the installed daemon has them
/// whatever is on disk.
///
/// Used when no template directory is configured, for files a configured directory leaves out,
/// and in place of a broken file.
enum BuiltInTemplates {
    /// File name (`reminder.ko.mustache`) to template text.
    static let all: [String: String] = [
        "cancellation.en.mustache": String(decoding: PackageResources.cancellation_en_mustache, as: UTF8.self),
        "cancellation.ko.mustache": String(decoding: PackageResources.cancellation_ko_mustache, as: UTF8.self),
        "change.en.mustache": String(decoding: PackageResources.change_en_mustache, as: UTF8.self),
        "change.ko.mustache": String(decoding: PackageResources.change_ko_mustache, as: UTF8.self),
        "confirmation.en.mustache": String(decoding: PackageResources.confirmation_en_mustache, as: UTF8.self),
        "confirmation.ko.mustache": String(decoding: PackageResources.confirmation_ko_mustache, as: UTF8.self),
        "new_concert.en.mustache": String(decoding: PackageResources.new_concert_en_mustache, as: UTF8.self),
        "new_concert.ko.mustache": String(decoding: PackageResources.new_concert_ko_mustache, as: UTF8.self),
        "reminder.en.mustache": String(decoding: PackageResources.reminder_en_mustache, as: UTF8.self),
        "reminder.ko.mustache": String(decoding: PackageResources.reminder_ko_mustache, as: UTF8.self),
        "test.en.mustache": String(decoding: PackageResources.test_en_mustache, as: UTF8.self),
        "test.ko.mustache": String(decoding: PackageResources.test_ko_mustache, as: UTF8.self),
    ]
}
