/// The built-in message templates: the same texts as `etc/concertd/templates/*.mustache`.
///
/// Used when no template directory is configured, for files a configured directory leaves out,
/// and in place of a broken file. A test keeps these and the shipped files identical.
enum BuiltInTemplates {
    /// File name (`reminder.ko.mustache`) to template text.
    static let all: [String: String] = [
        "reminder.ko.mustache": #"""
        [{{city}}] {{title}} — {{ahead}}

        일시: {{when}}
        {{#venue}}
        장소: {{venue}}
        {{/venue}}
        {{^venue}}
        장소: 미정
        {{/venue}}
        {{#programme}}
        프로그램: {{programme}}
        {{/programme}}
        {{#speaker}}
        연사: {{speaker}}
        {{/speaker}}
        {{#host}}
        주최: {{host}}
        {{/host}}

        자세한 내용: {{infoURL}}

        """#,
        "reminder.en.mustache": #"""
        [{{city}}] {{title}} — {{ahead}}

        When: {{when}}
        {{#venue}}
        Where: {{venue}}
        {{/venue}}
        {{^venue}}
        Where: not announced
        {{/venue}}
        {{#programme}}
        Programme: {{programme}}
        {{/programme}}
        {{#speaker}}
        Speaker: {{speaker}}
        {{/speaker}}
        {{#host}}
        Host: {{host}}
        {{/host}}

        Details: {{infoURL}}

        """#,
        "confirmation.ko.mustache": #"""
        [{{city}}] 토크콘서트 알림 신청 완료

        {{city}} 스마트시티 시민 토크콘서트 알림을 신청했습니다.
        알림 시점: {{reminderOffsets}}

        다음 토크콘서트 ({{ahead}}): {{title}}
        일시: {{when}}
        {{#venue}}
        장소: {{venue}}
        {{/venue}}
        {{^venue}}
        장소: 미정
        {{/venue}}
        {{#programme}}
        프로그램: {{programme}}
        {{/programme}}
        {{#speaker}}
        연사: {{speaker}}
        {{/speaker}}
        {{#host}}
        주최: {{host}}
        {{/host}}

        자세한 내용: {{infoURL}}

        """#,
        "confirmation.en.mustache": #"""
        [{{city}}] Subscribed to talk concert reminders

        You will be reminded of the Smart City citizen talk concerts in {{city}}.
        Reminders: {{reminderOffsets}} before each concert

        Next concert ({{ahead}}): {{title}}
        When: {{when}}
        {{#venue}}
        Where: {{venue}}
        {{/venue}}
        {{^venue}}
        Where: not announced
        {{/venue}}
        {{#programme}}
        Programme: {{programme}}
        {{/programme}}
        {{#speaker}}
        Speaker: {{speaker}}
        {{/speaker}}
        {{#host}}
        Host: {{host}}
        {{/host}}

        Details: {{infoURL}}

        """#,
        "change.ko.mustache": #"""
        [{{city}}] 변경: {{title}}

        토크콘서트 정보가 바뀌었습니다.
        {{#changes}}
        - {{label}}: {{old}} → {{new}}
        {{/changes}}
        {{^changes}}
        - 세부 정보가 갱신되었습니다.
        {{/changes}}

        일시: {{when}} ({{ahead}})
        {{#venue}}
        장소: {{venue}}
        {{/venue}}
        {{^venue}}
        장소: 미정
        {{/venue}}
        {{#programme}}
        프로그램: {{programme}}
        {{/programme}}
        {{#speaker}}
        연사: {{speaker}}
        {{/speaker}}
        {{#host}}
        주최: {{host}}
        {{/host}}

        자세한 내용: {{infoURL}}

        """#,
        "change.en.mustache": #"""
        [{{city}}] Changed: {{title}}

        This talk concert has changed:
        {{#changes}}
        - {{label}}: {{old}} → {{new}}
        {{/changes}}
        {{^changes}}
        - Its details were updated.
        {{/changes}}

        When: {{when}} ({{ahead}})
        {{#venue}}
        Where: {{venue}}
        {{/venue}}
        {{^venue}}
        Where: not announced
        {{/venue}}
        {{#programme}}
        Programme: {{programme}}
        {{/programme}}
        {{#speaker}}
        Speaker: {{speaker}}
        {{/speaker}}
        {{#host}}
        Host: {{host}}
        {{/host}}

        Details: {{infoURL}}

        """#,
        "cancellation.ko.mustache": #"""
        [{{city}}] 취소: {{title}}

        다음 토크콘서트가 취소되었습니다.

        일시: {{when}}
        {{#venue}}
        장소: {{venue}}
        {{/venue}}
        {{#programme}}
        프로그램: {{programme}}
        {{/programme}}
        {{#speaker}}
        연사: {{speaker}}
        {{/speaker}}
        {{#host}}
        주최: {{host}}
        {{/host}}

        자세한 내용: {{infoURL}}

        """#,
        "cancellation.en.mustache": #"""
        [{{city}}] Cancelled: {{title}}

        This talk concert has been cancelled.

        When: {{when}}
        {{#venue}}
        Where: {{venue}}
        {{/venue}}
        {{#programme}}
        Programme: {{programme}}
        {{/programme}}
        {{#speaker}}
        Speaker: {{speaker}}
        {{/speaker}}
        {{#host}}
        Host: {{host}}
        {{/host}}

        Details: {{infoURL}}

        """#,
        "new_concert.ko.mustache": #"""
        [{{city}}] 새 토크콘서트: {{title}}

        새 토크콘서트가 등록되었습니다 ({{ahead}}).

        일시: {{when}}
        {{#venue}}
        장소: {{venue}}
        {{/venue}}
        {{^venue}}
        장소: 미정
        {{/venue}}
        {{#programme}}
        프로그램: {{programme}}
        {{/programme}}
        {{#speaker}}
        연사: {{speaker}}
        {{/speaker}}
        {{#host}}
        주최: {{host}}
        {{/host}}

        자세한 내용: {{infoURL}}

        """#,
        "new_concert.en.mustache": #"""
        [{{city}}] New talk concert: {{title}}

        A new talk concert has been announced ({{ahead}}).

        When: {{when}}
        {{#venue}}
        Where: {{venue}}
        {{/venue}}
        {{^venue}}
        Where: not announced
        {{/venue}}
        {{#programme}}
        Programme: {{programme}}
        {{/programme}}
        {{#speaker}}
        Speaker: {{speaker}}
        {{/speaker}}
        {{#host}}
        Host: {{host}}
        {{/host}}

        Details: {{infoURL}}

        """#,
        "test.ko.mustache": #"""
        [concertd] 테스트 메시지

        concertd가 보낸 테스트 메시지입니다. 이 채널로 {{city}} 스마트시티 시민 토크콘서트 알림이 전달됩니다.

        다음 토크콘서트 ({{ahead}}): {{title}}
        일시: {{when}}

        자세한 내용: {{infoURL}}

        """#,
        "test.en.mustache": #"""
        [concertd] Test message

        This is a test message from concertd. Reminders of the Smart City citizen talk concerts in {{city}} will arrive on this channel.

        Next concert ({{ahead}}): {{title}}
        When: {{when}}

        Details: {{infoURL}}

        """#,
    ]
}
