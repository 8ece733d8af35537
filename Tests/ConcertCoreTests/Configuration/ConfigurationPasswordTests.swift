import Foundation
import Testing

@testable import ConcertCore

@Suite(.timeLimit(.minutes(1)))
struct ConfigurationPasswordTests {
    let password = "pa55-W0rd-never-shown"
    let smtp = "smtp_url = smtp://mailer@mail.example.org:587\nmail_from = reminders@example.org\n"

    @Test func passwordIsReadFromAFileWithoutItsTrailingNewline() throws {
        let directory = try TemporaryDirectory()
        let secretFile = try directory.write("smtp-password", password + "\r\n", permissions: 0o400)
        let c = try ConfigurationLoader(environment: [:])
            .load(contents: smtp + "smtp_password_file = \(secretFile)\n", file: "c.conf")
        #expect(c.smtpPassword?.revealed == password)
        #expect(c.smtpRequiresTLS)  // a password makes TLS required unless said otherwise
    }

    @Test func passwordIsReadFromAnEnvironmentVariable() throws {
        let c = try ConfigurationLoader(environment: ["CONCERTD_SMTP_PASSWORD": password])
            .load(contents: smtp + "smtp_password_env = CONCERTD_SMTP_PASSWORD\n", file: "c.conf")
        #expect(c.smtpPassword?.revealed == password)
    }

    @Test func passwordIsReadFromASystemdCredential() throws {
        let directory = try TemporaryDirectory()
        try directory.write("smtp-password", password + "\n")
        let c = try ConfigurationLoader(environment: ["CREDENTIALS_DIRECTORY": directory.path])
            .load(contents: smtp + "smtp_password_credential = smtp-password\n", file: "c.conf")
        #expect(c.smtpPassword?.revealed == password)
    }

    @Test func requiringTLSCanBeTurnedOffExplicitly() throws {
        let c = try ConfigurationLoader(environment: ["P": password])
            .load(contents: smtp + "smtp_password_env = P\nsmtp_require_tls = off\n", file: "c.conf")
        #expect(!c.smtpRequiresTLS)
        #expect(!DaemonConfiguration().smtpRequiresTLS)  // no password: no requirement by default
    }

    @Test func thePasswordIsNeverPrinted() throws {
        let c = try ConfigurationLoader(environment: ["P": password])
            .load(contents: smtp + "smtp_password_env = P\n", file: "c.conf")
        var dumped = ""
        dump(c, to: &dumped)
        let secret = try #require(c.smtpPassword)
        for text in [
            "\(c)", String(describing: c), String(reflecting: c), dumped, c.fileText(), "\(secret)",
            secret.debugDescription, String(reflecting: secret),
        ] {
            #expect(!text.contains(password))
        }
        #expect("\(secret)" == "<redacted>")
        #expect(c.fileText().contains("smtp_password_env = P\n"))
        #expect(SecretRedactor(configuration: c).redact("AUTH failed for \(password)") == "AUTH failed for <redacted>")
    }

    @Test func aMissingPasswordSourceIsAnErrorNamingItsKey() throws {
        let directory = try TemporaryDirectory()
        let empty = try directory.write("empty", "\n")
        #expect(
            problems(loading: smtp + "smtp_password_file = \(directory.path)/absent\n") == [
                "/etc/concertd/concertd.conf:3: key 'smtp_password_file': cannot read the password file \(directory.path)/absent: no such file"
            ])
        #expect(
            problems(loading: smtp + "smtp_password_file = \(empty)\n") == [
                "/etc/concertd/concertd.conf:3: key 'smtp_password_file': the password file \(empty) is empty"
            ])
        #expect(
            problems(loading: smtp + "smtp_password_env = UNSET_VARIABLE\n") == [
                "/etc/concertd/concertd.conf:3: key 'smtp_password_env': the environment variable UNSET_VARIABLE is not set"
            ])
        #expect(
            problems(loading: smtp + "smtp_password_credential = smtp-password\n") == [
                "/etc/concertd/concertd.conf:3: key 'smtp_password_credential': $CREDENTIALS_DIRECTORY is not set: the service needs LoadCredential=smtp-password:/path/to/password-file"
            ])
    }

    @Test func passwordSourcesMustMatchTheSMTPUser() {
        #expect(
            problems(loading: smtp, environment: [:]) == [
                "/etc/concertd/concertd.conf:1: key 'smtp_url': smtp_url names a user but no password is configured: set smtp_password_file, smtp_password_env or smtp_password_credential, or give the service the credential smtp-password (LoadCredential=smtp-password:/etc/concertd/smtp-password)"
            ])
        #expect(
            problems(loading: "smtp_password_env = P\n", environment: ["P": "x"]) == [
                "/etc/concertd/concertd.conf:1: key 'smtp_password_env': a password is configured but smtp_url is not set"
            ])
        #expect(
            problems(
                loading: "smtp_url = smtp://mail.example.org\nmail_from = a@example.org\nsmtp_password_env = P\n",
                environment: ["P": "x"]) == [
                    "/etc/concertd/concertd.conf:3: key 'smtp_password_env': a password is configured but smtp_url names no user: write smtp://user@host"
                ])
        #expect(
            problems(
                loading: smtp + "smtp_password_env = P\nsmtp_password_credential = c\n",
                environment: ["P": "x", "CREDENTIALS_DIRECTORY": "/nonexistent"]) == [
                    "/etc/concertd/concertd.conf:4: key 'smtp_password_credential': only one of smtp_password_env and smtp_password_credential may be set"
                ])
    }
    @Test func theDocumentedCredentialAloneIsThePassword() throws {
        // The README's drop-in (LoadCredential=smtp-password:…) and no password key in the file.
        let directory = try TemporaryDirectory()
        try directory.write("smtp-password", password + "\n", permissions: 0o400)
        let c = try ConfigurationLoader(environment: ["CREDENTIALS_DIRECTORY": directory.path])
            .load(contents: smtp, file: "c.conf")
        #expect(c.smtpPassword?.revealed == password)
        #expect(c.smtpRequiresTLS)
    }

    @Test func theDocumentedCredentialWithoutAUserIsAProblem() throws {
        let directory = try TemporaryDirectory()
        try directory.write("smtp-password", password + "\n")
        #expect(
            problems(
                loading: "smtp_url = smtp://mail.example.org:587\nmail_from = a@example.org\n",
                environment: ["CREDENTIALS_DIRECTORY": directory.path]) == [
                    "/etc/concertd/concertd.conf:1: key 'smtp_url': the systemd credential smtp-password is loaded but smtp_url names no user: write smtp://user@host, or remove the drop-in with LoadCredential=smtp-password"
                ])
        #expect(
            problems(loading: "", environment: ["CREDENTIALS_DIRECTORY": directory.path]) == [
                "/etc/concertd/concertd.conf: key 'smtp_url': the systemd credential smtp-password is loaded but smtp_url is not set: set smtp_url, or remove the drop-in with LoadCredential=smtp-password"
            ])
    }

    @Test func aUserWithoutAnyPasswordNamesEverySource() {
        #expect(
            problems(loading: smtp, environment: ["CREDENTIALS_DIRECTORY": "/nonexistent"]) == [
                "/etc/concertd/concertd.conf:1: key 'smtp_url': smtp_url names a user but no password is configured: set smtp_password_file, smtp_password_env or smtp_password_credential, or give the service the credential smtp-password (LoadCredential=smtp-password:/etc/concertd/smtp-password)"
            ])
    }

    @Test func anUnreadablePasswordSourceIsReportedOnceByItsOwnKey() throws {
        #expect(
            problems(loading: smtp + "smtp_password_env = UNSET_VARIABLE\n") == [
                "/etc/concertd/concertd.conf:3: key 'smtp_password_env': the environment variable UNSET_VARIABLE is not set"
            ])
    }

    @Test func checkingOutsideTheServiceNotesTheCredentialInsteadOfRefusingIt() throws {
        // check-config from a shell: no $CREDENTIALS_DIRECTORY, the password exists only for the service.
        var loader = ConfigurationLoader(environment: [:])
        loader.credentialsOnlyInService = true
        for text in [smtp, smtp + "smtp_password_credential = mailer-secret\n"] {
            var draft = loader.parse(contents: text, file: "c.conf")
            loader.finish(&draft)
            #expect(draft.problems.isEmpty)
            #expect(draft.notes.count == 1)
            #expect(draft.notes.first?.message.contains("cannot be read outside the service") == true)
            #expect(draft.configuration.smtpPassword == nil)
        }
        // Everything else is checked as the daemon checks it.
        var draft = loader.parse(contents: smtp + "smtp_password_env = UNSET_VARIABLE\n", file: "c.conf")
        loader.finish(&draft)
        #expect(draft.problems.map(\.message) == ["the environment variable UNSET_VARIABLE is not set"])
        // With $CREDENTIALS_DIRECTORY set, as under the service, a missing credential is a problem.
        let directory = try TemporaryDirectory()
        loader.environment = ["CREDENTIALS_DIRECTORY": directory.path]
        draft = loader.parse(contents: smtp, file: "c.conf")
        loader.finish(&draft)
        #expect(draft.problems.count == 1)
        #expect(draft.notes.isEmpty)
    }
}
