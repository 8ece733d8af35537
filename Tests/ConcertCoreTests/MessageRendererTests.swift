import Foundation
import Testing

@testable import ConcertCore

@Suite struct MessageRendererTests {
    static let templatesDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("etc/concertd/templates").path

    /// A fresh directory for one test's templates.
    static func temporaryDirectory(files: [String: String]) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("concertd-templates-\(UUID())")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        for (name, text) in files {
            try Data(text.utf8).write(to: url.appendingPathComponent(name))
        }
        return url.path
    }

    @Test func shippedTemplateFilesAreTheBuiltInTexts() throws {
        for name in MessageRenderer.fileNames {
            let path = (Self.templatesDirectory as NSString).appendingPathComponent(name)
            let file = try String(contentsOfFile: path, encoding: .utf8)
            #expect(file == BuiltInTemplates.all[name], "\(name) differs from its built-in copy")
        }
        let renderer = MessageRenderer(directory: Self.templatesDirectory)
        #expect(renderer.problems.isEmpty)
    }

    @Test func plainTextKeepsAmpersandsAndHTMLEscapesThem() {
        // Daegu's programme is "혁신성장동력 프로젝트 R&D".
        let rendered = MessageRenderer().render(MessageFixtures.message(kind: .reminder, language: .ko))
        #expect(rendered.text.contains("프로그램: 혁신성장동력 프로젝트 R&D\n"))
        #expect(!rendered.text.contains("&amp;"))
        #expect(rendered.html.contains("프로그램: 혁신성장동력 프로젝트 R&amp;D<br>"))
    }

    @Test func markupInCatalogTextIsEscapedOnlyInHTML() {
        var concert = MessageFixtures.catalog.concert(id: "busan-2019")!
        concert.title = LocalizedText(ko: #"<script>alert("x")</script> & 'y'"#, en: "x")
        let message = MessageFixtures.message(
            kind: .reminder, concertID: concert.id, cities: ["busan"], offset: 3600, now: "2019-10-25T09:00+09:00",
            language: .ko, channel: .email("office@example.org"), concert: concert)
        let rendered = MessageRenderer().render(message)
        #expect(rendered.subject == #"[부산] <script>alert("x")</script> & 'y' — 1시간 후"#)
        #expect(rendered.html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;"))
        #expect(!rendered.html.contains("<script>"))
    }

    @Test func htmlHasParagraphsLineBreaksAndLinks() {
        let html = MessageRenderer().render(MessageFixtures.message(kind: .reminder, language: .en)).html
        #expect(html.hasPrefix("<p><strong>[Daegu] Smart City citizen talk concert — tomorrow</strong></p>\n<p>When: "))
        #expect(
            html.hasSuffix(
                #"<p>Details: <a href="https://www.smartcity.go.kr">https://www.smartcity.go.kr</a></p>"#))
    }

    @Test func subjectIsTheFirstLineAndBodyFollowsABlankLine() {
        for kind in Delivery.Kind.allCases {
            for language in Language.allCases {
                let rendered = MessageRenderer().render(MessageFixtures.message(kind: kind, language: language))
                #expect(!rendered.subject.isEmpty)
                #expect(rendered.text == rendered.subject + "\n\n" + rendered.body)
                #expect(!rendered.text.contains("\n\n\n"))
                #expect(!rendered.text.contains("{{"))
            }
        }
    }

    @Test func englishMessagesHaveNoKorean() {
        for kind in Delivery.Kind.allCases {
            let text = MessageRenderer().render(MessageFixtures.message(kind: kind, language: .en)).text
            let hangul = text.unicodeScalars.filter { (0xAC00...0xD7A3).contains($0.value) }
            #expect(hangul.isEmpty, "\(kind): \(text)")
        }
    }

    @Test func brokenTemplateIsReportedWithFileAndLineAndTheBuiltInIsUsed() throws {
        let directory = try Self.temporaryDirectory(files: [
            "reminder.ko.mustache": "[{{city}}] 알림\n\n일시: {{when}}\n{{#venue}}\n장소: {{venue}}\n{{/speaker}}\n"
        ])
        let renderer = MessageRenderer(directory: directory)
        #expect(renderer.problems.count == 1)
        let problem = try #require(renderer.problems.first)
        #expect(problem.file == (directory as NSString).appendingPathComponent("reminder.ko.mustache"))
        #expect(problem.line == 6)
        #expect(problem.description.hasPrefix("\(problem.file):6:"))
        #expect(problem.description.contains("built-in text is used instead"))
        let message = MessageFixtures.message(kind: .reminder, language: .ko)
        #expect(renderer.render(message) == MessageRenderer().render(message))
    }

    @Test func unknownValueNameIsReportedAtItsLineAndColumn() throws {
        let directory = try Self.temporaryDirectory(files: [
            "change.en.mustache": "Changed: {{title}}\n\nWhen: {{when}}\nWhere: {{venu}}\n"
        ])
        let renderer = MessageRenderer(directory: directory)
        let problem = try #require(renderer.problems.first)
        #expect(problem.line == 4)
        #expect(problem.column == 8)
        #expect(problem.reason.contains("'venu'"))
        let message = MessageFixtures.message(kind: .change, language: .en)
        #expect(renderer.render(message) == MessageRenderer().render(message))
    }

    @Test func partialsAndPragmasAreRefused() throws {
        let directory = try Self.temporaryDirectory(files: [
            "test.ko.mustache": "테스트\n\n{{> footer}}\n",
            "test.en.mustache": "{{% CONTENT_TYPE: HTML }}Test\n",
        ])
        let problems = MessageRenderer(directory: directory).problems
        #expect(Set(problems.compactMap(\.line)) == [1, 3])
        #expect(problems.allSatisfy { $0.reason.contains("built-in text is used instead") })
    }

    @Test func validCustomTemplateReplacesOnlyItsOwnMessage() throws {
        let directory = try Self.temporaryDirectory(files: [
            "reminder.en.mustache":
                "{{title}} in {{city}}, {{ahead}}\n\n{{when}}\n{{#speaker}}\nWith {{speaker}}\n{{/speaker}}\n",
            "notes.txt": "not a template",
        ])
        let renderer = MessageRenderer(directory: directory)
        #expect(renderer.problems.isEmpty)
        let english = renderer.render(MessageFixtures.message(kind: .reminder, language: .en))
        #expect(
            english.text
                == "Smart City citizen talk concert in Daegu, tomorrow\n\nTuesday 29 October 2019, 14:00–16:00 KST\nWith Lee Myeong-ju, CEO, ZED"
        )
        let korean = MessageFixtures.message(kind: .reminder, language: .ko)
        #expect(renderer.render(korean) == MessageRenderer().render(korean))
    }

    @Test func misnamedTemplateFileAndMissingDirectoryAreReported() throws {
        let directory = try Self.temporaryDirectory(files: ["remindr.ko.mustache": "x\n"])
        let misnamed = MessageRenderer(directory: directory).problems
        #expect(misnamed.count == 1)
        #expect(misnamed.first?.reason.contains("<kind>.<ko|en>.mustache") == true)
        #expect(misnamed.first?.reason.contains("built-in") == false)

        let missing = MessageRenderer(directory: directory + "/nope").problems
        #expect(missing.count == 1)
        #expect(missing.first?.file == directory + "/nope")
    }
}
