/// Every text of the pages, in Korean and English.
struct Words {
    let language: WebLanguage

    private func t(_ ko: String, _ en: String) -> String {
        language == .ko ? ko : en
    }

    var siteName: String { t("스마트시티 시민 토크콘서트 알림", "Smart City citizen talk concerts: reminders") }
    var skipToContent: String { t("본문으로 건너뛰기", "Skip to content") }
    var otherLanguageName: String { t("English", "한국어") }
    var frontHeading: String { t("스마트시티 시민 토크콘서트", "Smart City citizen talk concerts") }
    var frontIntro: String {
        t(
            "국토교통부가 발표한 16개 지역의 시민 토크콘서트입니다. 관심 있는 지역을 고르면 콘서트 전에 알림을 보내 드립니다.",
            "The citizen talk concerts the Ministry of Land, Infrastructure and Transport announced in 16 municipalities. Choose yours and be reminded before its concert."
        )
    }
    var citiesHeading: String { t("지역별 다음 콘서트", "The next concert in each municipality") }
    var timesNote: String { t("시간은 모두 한국 시간(KST)입니다.", "All times are Korea time (KST).") }
    var when: String { t("일시", "When") }
    var venue: String { t("장소", "Venue") }
    var speaker: String { t("연사", "Speaker") }
    var noConcert: String {
        t(
            "예정된 콘서트가 없습니다. 새 콘서트가 발표되면 구독자에게 알려 드립니다.",
            "No concert is planned. Subscribers are told when a new one is announced.")
    }
    /// Before and after the date of a city's last concert: `Held on <date>.`
    var heldOn: String { t("", "Held on ") }
    var heldOnEnd: String { t("에 열렸습니다.", ".") }
    /// After a city in the forms' choices when it has no concert ahead.
    var noConcertChoice: String { t("(예정된 콘서트 없음)", "(no concert planned)") }
    var cancelled: String { t("취소됨", "Cancelled") }
    var subscribeHeading: String { t("알림 받기", "Get reminders") }
    var emailOff: String {
        t(
            "이 서버는 지금 이메일을 보내지 않으므로 이메일 알림 신청을 받지 않습니다.",
            "This server does not send email at the moment, so it takes no email subscriptions.")
    }
    var nothingOffered: String {
        t("지금은 이 페이지에서 알림을 신청할 수 없습니다.", "Reminders cannot be requested on this page at the moment.")
    }
    var jumpToForm: String { t("알림 신청하기", "Subscribe") }
    var emailLabel: String { t("이메일 주소", "Email address") }
    var emailHint: String {
        t(
            "확인 메일을 보내 드립니다. 메일의 링크로 확인해야 알림이 시작됩니다.",
            "We send a confirmation email. Reminders start once you confirm with its link.")
    }
    var webhookHeading: String { t("채팅방으로 알림 받기", "Reminders in a chat channel") }
    var webhookLabel: String { t("웹훅 주소 (https)", "Webhook URL (https)") }
    var webhookHint: String {
        t(
            "확인 메시지를 채팅방에 올립니다. 채팅방의 누군가가 그 링크로 확인해야 알림이 시작됩니다.",
            "We post a confirmation message to the channel. Reminders start once someone there confirms with its link.")
    }
    var formatLabel: String { t("서비스", "Service") }
    var citiesLegend: String { t("지역 (하나 이상)", "Municipalities (one or more)") }
    var offsetsLegend: String { t("언제 알릴까요? (하나 이상)", "When to remind you (one or more)") }
    var languageLegend: String { t("알림 언어", "Language of the reminders") }
    var korean: String { "한국어" }
    var english: String { "English" }
    var subscribeButton: String { t("확인 메일 받기", "Send me the confirmation") }
    var subscribeWebhookButton: String { t("확인 메시지 올리기", "Post the confirmation") }

    func offset(_ offset: String) -> String {
        guard let unit = offset.last, let amount = Int(offset.dropLast()) else { return offset }
        switch (language, unit) {
        case (.ko, "d"): return "\(amount)일 전"
        case (.ko, "h"): return "\(amount)시간 전"
        case (.ko, "m"): return "\(amount)분 전"
        case (.ko, "s"): return "\(amount)초 전"
        case (.en, "d"): return amount == 1 ? "1 day before" : "\(amount) days before"
        case (.en, "h"): return amount == 1 ? "1 hour before" : "\(amount) hours before"
        case (.en, "m"): return "\(amount) minutes before"
        case (.en, "s"): return "\(amount) seconds before"
        default: return offset
        }
    }

    // Check your inbox
    var inboxHeading: String { t("메일함을 확인하세요", "Check your inbox") }
    var inboxText: String {
        t(
            "확인 메일을 보냈습니다. 메일의 링크를 열고 ‘구독 확인’ 버튼을 누르면 알림이 시작됩니다. 링크는 48시간 동안 유효합니다. 메일이 보이지 않으면 스팸함도 확인해 주세요.",
            "We have sent a confirmation email. Open its link and press “Confirm” to start the reminders. The link works for 48 hours. If you cannot find the email, look in your spam folder too."
        )
    }
    var channelHeading: String { t("채팅방을 확인하세요", "Check the channel") }
    var channelText: String {
        t(
            "채팅방에 확인 메시지를 올렸습니다. 그 링크를 열고 ‘구독 확인’ 버튼을 누르면 알림이 시작됩니다. 링크는 48시간 동안 유효합니다.",
            "We have posted a confirmation message to the channel. Open its link and press “Confirm” to start the reminders. The link works for 48 hours."
        )
    }
    var backToFront: String { t("처음으로", "Back to the start") }

    // Confirm
    var confirmHeading: String { t("구독 확인", "Confirm your subscription") }
    var confirmText: String {
        t("아래 버튼을 누르면 알림이 시작됩니다.", "Press the button below to start the reminders.")
    }
    var confirmButton: String { t("구독 확인", "Confirm") }
    var askedCities: String { t("지역", "Municipalities") }
    var askedOffsets: String { t("알림", "Reminders") }
    var confirmedHeading: String { t("구독이 확인되었습니다", "Subscription confirmed") }
    var confirmedText: String {
        t(
            "콘서트 전에 알림을 보내 드립니다. 알림마다 수신 거부와 설정 변경 링크가 있습니다.",
            "You will be reminded before the concert. Every reminder has links to unsubscribe and to change your settings."
        )
    }
    var alreadyConfirmedText: String {
        t(
            "이미 확인된 구독입니다. 바뀐 것은 없습니다. 설정 변경과 수신 거부 링크는 알림마다 있습니다.",
            "This subscription was confirmed before. Nothing changed. Every reminder has the links to change your settings or unsubscribe."
        )
    }
    var manageLink: String { t("구독 설정 바꾸기", "Change your settings") }

    // Manage
    var manageHeading: String { t("구독 설정", "Your subscription") }
    var channelLabel: String { t("받는 곳", "Sent to") }
    var stateLabel: String { t("상태", "State") }
    func state(_ state: SubscriptionState) -> String {
        switch state {
        case .active: t("알림 받는 중", "Active")
        case .paused: t("일시 중지됨", "Paused")
        case .disabled: t("채팅 서비스가 거부하여 중지됨", "Stopped: the chat service refused it")
        case .removed: t("수신 거부됨", "Unsubscribed")
        }
    }
    var saveButton: String { t("설정 저장", "Save settings") }
    var pauseButton: String { t("일시 중지", "Pause") }
    var resumeButton: String { t("다시 받기", "Resume") }
    var unsubscribeButton: String { t("수신 거부", "Unsubscribe") }
    var savedText: String { t("설정을 저장했습니다.", "Your settings are saved.") }
    var pausedText: String { t("알림을 일시 중지했습니다.", "Reminders are paused.") }
    var resumedText: String { t("알림을 다시 보내 드립니다.", "Reminders are on again.") }
    var removedText: String {
        t(
            "이 구독은 수신 거부되었습니다. 다시 받으려면 새로 신청해 주세요.",
            "This subscription was unsubscribed. To get reminders again, subscribe anew.")
    }
    var pauseHeading: String { t("일시 중지", "Pause") }
    var unsubscribeForGoodHeading: String { t("수신 거부", "Unsubscribe") }
    var unsubscribeForGoodText: String {
        t(
            "더 이상 알림을 보내지 않습니다. 다시 받으려면 새로 신청해야 합니다. 잠시 쉬려면 위의 일시 중지를 쓰세요.",
            "No more reminders will be sent; to get them again you subscribe anew. To stop them for a while, pause above."
        )
    }
    var unsubscribeForGoodButton: String { t("완전히 수신 거부", "Unsubscribe for good") }

    // Unsubscribe
    var unsubscribeHeading: String { t("수신 거부", "Unsubscribe") }
    var unsubscribeText: String {
        t(
            "아래 버튼을 누르면 이 구독의 알림을 더 보내지 않습니다.",
            "Press the button below and this subscription gets no more reminders.")
    }
    var unsubscribeInstead: String {
        t(
            "수신 거부 대신 지역이나 시점을 바꾸거나 일시 중지할 수도 있습니다:",
            "Instead of unsubscribing, you can change the municipalities or times, or pause:")
    }
    var unsubscribedHeading: String { t("수신 거부되었습니다", "You are unsubscribed") }
    var unsubscribedText: String {
        t("이 구독의 알림을 더 보내지 않습니다.", "This subscription gets no more reminders.")
    }
    var alreadyUnsubscribedText: String {
        t("이미 수신 거부된 구독입니다. 더 보내는 알림은 없습니다.", "This subscription was unsubscribed before. No more reminders are sent.")
    }
    var undoText: String { t("실수였다면 되돌릴 수 있습니다.", "If that was a mistake, you can undo it.") }
    var undoButton: String { t("되돌리기", "Undo") }
    var restoredHeading: String { t("구독을 되살렸습니다", "Subscription restored") }
    var restoredText: String {
        t("같은 설정으로 다시 알림을 보내 드립니다.", "You will be reminded again, with the same settings.")
    }

    // Errors
    var formErrorsHeading: String { t("입력을 확인해 주세요", "Please check the form") }
    var emailMissing: String { t("이메일 주소를 입력해 주세요.", "Enter your email address.") }
    var emailInvalid: String {
        t("이메일 주소 형식이 아닙니다 (예: name@example.org).", "That is not an email address (for example name@example.org).")
    }
    var webhookMissing: String { t("웹훅 주소를 입력해 주세요.", "Enter the webhook URL.") }
    var webhookInvalid: String {
        t("https로 시작하는 채팅 서비스의 웹훅 주소가 아닙니다.", "That is not an https webhook URL of a chat service.")
    }
    var webhookHostRefused: String {
        t("이 서버가 받는 채팅 서비스의 주소가 아닙니다.", "That host is not one of the chat services this server accepts.")
    }
    var formatInvalid: String { t("서비스를 골라 주세요.", "Choose the service.") }
    /// The URL is another service's than the one chosen (`hooks.slack.com` with Discord).
    func formatMismatch(_ implied: String) -> String {
        t(
            "이 주소는 \(formatName(implied))의 웹훅 주소입니다. 서비스를 \(formatName(implied))(으)로 골라 주세요.",
            "That is a \(formatName(implied)) webhook URL: choose \(formatName(implied)) as the service.")
    }
    /// The URL does not have the form the chosen service's webhooks have.
    func webhookWrongForFormat(_ format: String) -> String {
        t(
            "\(formatName(format)) 웹훅 주소의 형식이 아닙니다. 서비스에서 복사한 주소를 그대로 넣어 주세요.",
            "That is not the form of a \(formatName(format)) webhook URL. Paste the URL as the service gives it.")
    }
    /// A webhook format as people know the service (`googlechat` → Google Chat).
    func formatName(_ format: String) -> String {
        switch format {
        case "slack": "Slack"
        case "discord": "Discord"
        case "mattermost": "Mattermost"
        case "teams": "Microsoft Teams"
        case "googlechat": "Google Chat"
        case "telegram": "Telegram"
        case "dooray": t("두레이", "Dooray!")
        case "jandi": t("잔디", "JANDI")
        case "kakaowork": t("카카오워크", "KakaoWork")
        default: format
        }
    }
    var webhooksOffHeading: String { t("채팅방 구독은 받지 않습니다", "Chat channels are not offered here") }
    var webhooksOffText: String {
        t(
            "이 서버는 웹에서 채팅방 구독을 받지 않습니다. 아무것도 저장하거나 보내지 않았습니다.",
            "This server does not subscribe chat channels from the web. Nothing was kept or sent.")
    }
    var emailOffHeading: String { t("이메일 구독은 받지 않습니다", "Email is not offered here") }
    var citiesMissing: String { t("지역을 하나 이상 골라 주세요.", "Choose at least one municipality.") }
    var citiesInvalid: String { t("알 수 없는 지역이 있습니다.", "An unknown municipality was chosen.") }
    var offsetsMissing: String { t("알림 시점을 하나 이상 골라 주세요.", "Choose at least one time.") }
    var offsetsInvalid: String { t("알 수 없는 알림 시점이 있습니다.", "An unknown time was chosen.") }
    var languageInvalid: String { t("알림 언어를 골라 주세요.", "Choose the language.") }

    var badRequestHeading: String { t("요청을 처리할 수 없습니다", "The request could not be read") }
    var badRequestText: String {
        t(
            "보낸 내용의 형식이 올바르지 않습니다. 처음부터 다시 해 주세요.",
            "What was sent is not well formed. Please start again.")
    }
    var csrfHeading: String { t("양식이 만료되었습니다", "The form has expired") }
    var csrfText: String {
        t(
            "보안을 위해 이 요청을 받지 않았습니다. 페이지를 새로 열고 다시 보내 주세요. 쿠키가 허용되어 있어야 합니다.",
            "For your safety this request was not accepted. Open the page again and send it anew. Cookies must be allowed."
        )
    }
    var foreignHeading: String { t("다른 사이트에서 보낸 요청입니다", "This request came from another site") }
    var foreignText: String {
        t(
            "보안을 위해 다른 사이트의 페이지에서 보낸 양식은 받지 않습니다. 이 사이트의 페이지를 직접 열고 다시 보내 주세요.",
            "For your safety a form sent from another site's page is not accepted. Open this site's page yourself and send it from there."
        )
    }
    var tooLargeHeading: String { t("보낸 내용이 너무 큽니다", "What was sent is too large") }
    var tooLargeText: String { t("양식의 내용을 줄여서 다시 보내 주세요.", "Please send the form with less in it.") }
    var tooManyHeading: String { t("요청이 너무 많습니다", "Too many requests") }
    /// The wait in the words a person reads: minutes up to an hour, then whole hours rounded up
    /// ("1058 minutes" is "18 hours").
    func tooManyText(minutes: Int) -> String {
        let hours = (minutes + 59) / 60
        let wait =
            minutes < 60
            ? t("\(minutes)분", minutes == 1 ? "1 minute" : "\(minutes) minutes")
            : t("\(hours)시간", hours == 1 ? "an hour" : "\(hours) hours")
        return t(
            "최근에 확인 메일 요청이 너무 많았습니다. \(wait) 뒤에 다시 해 주세요.",
            "There have been too many confirmation requests lately. Please try again in \(wait).")
    }
    var linkInvalidHeading: String { t("링크가 올바르지 않습니다", "This link does not work") }
    var linkInvalidText: String {
        t(
            "링크가 잘렸거나 너무 오래되었습니다. 메일의 링크 전체를 열었는지 확인해 주세요.",
            "The link is cut short or too old. Check that you opened the whole link from the email.")
    }
    var linkExpiredHeading: String { t("링크가 만료되었습니다", "This link has expired") }
    var linkExpiredText: String {
        t(
            "확인 링크는 48시간 동안만 유효합니다. 처음부터 다시 신청해 주세요.",
            "Confirmation links work for 48 hours. Please subscribe again.")
    }
    var notFoundHeading: String { t("페이지를 찾을 수 없습니다", "Page not found") }
    var notFoundText: String { t("주소를 확인해 주세요.", "Please check the address.") }
    var methodHeading: String { t("허용되지 않는 요청입니다", "Method not allowed") }
    var serverErrorHeading: String { t("잠시 후 다시 해 주세요", "Please try again later") }
    var serverErrorText: String {
        t("서버가 지금 요청을 처리하지 못했습니다. 바뀐 것은 없습니다.", "The server could not handle the request just now. Nothing changed.")
    }
    var footer: String {
        t(
            "이 알림 서비스는 시민 토크콘서트 안내를 위한 것입니다. 주소는 알림과 확인 메일에만 쓰입니다.",
            "This service reminds people of the citizen talk concerts. Addresses are used for the reminders and the confirmation only."
        )
    }
}
