function __concertctl_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __concertctl_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __concertctl_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __concertctl_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __concertctl_parse_tokens -S
    set -l unparsed_tokens (__concertctl_tokens -pc)
    switch $unparsed_tokens[1]
    case 'concertctl'
        __concertctl_parse_subcommand 0 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'status'
            __concertctl_parse_subcommand 0 'socket=' 'json' 'timeout=' 'version' 'h/help'
        case 'cities'
            __concertctl_parse_subcommand 0 'socket=' 'json' 'timeout=' 'version' 'h/help'
        case 'concerts'
            __concertctl_parse_subcommand 0 'socket=' 'json' 'timeout=' 'city=' 'all' 'limit=' 'version' 'h/help'
        case 'concert'
            __concertctl_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'add'
                __concertctl_parse_subcommand 0 'socket=' 'json' 'timeout=' 'city=+' 'title=' 'start=' 'end=' 'venue=' 'venue-en=' 'speaker=' 'version' 'h/help'
            case 'reschedule'
                __concertctl_parse_subcommand 1 'socket=' 'json' 'timeout=' 'start=' 'end=' 'venue=' 'venue-en=' 'version' 'h/help'
            case 'cancel'
                __concertctl_parse_subcommand 1 'socket=' 'json' 'timeout=' 'version' 'h/help'
            case 'reset'
                __concertctl_parse_subcommand 1 'socket=' 'json' 'timeout=' 'version' 'h/help'
            end
        case 'subscribe'
            __concertctl_parse_subcommand -r 1 'socket=' 'json' 'timeout=' 'email=' 'webhook=' 'format=' 'secret=' 'before=' 'lang=' 'label=' 'quiet' 'from=' 'secrets-file=' 'version' 'h/help'
        case 'subscriptions'
            __concertctl_parse_subcommand 0 'socket=' 'json' 'timeout=' 'city=' 'limit=' 'version' 'h/help'
        case 'unsubscribe'
            __concertctl_parse_subcommand 1 'socket=' 'json' 'timeout=' 'version' 'h/help'
        case 'pause'
            __concertctl_parse_subcommand 1 'socket=' 'json' 'timeout=' 'version' 'h/help'
        case 'resume'
            __concertctl_parse_subcommand 1 'socket=' 'json' 'timeout=' 'version' 'h/help'
        case 'upcoming'
            __concertctl_parse_subcommand 0 'socket=' 'json' 'timeout=' 'limit=' 'version' 'h/help'
        case 'deliveries'
            __concertctl_parse_subcommand 0 'socket=' 'json' 'timeout=' 'state=' 'subscription=' 'limit=' 'version' 'h/help'
        case 'retry'
            __concertctl_parse_subcommand 1 'socket=' 'json' 'timeout=' 'version' 'h/help'
        case 'test'
            __concertctl_parse_subcommand 1 'socket=' 'json' 'timeout=' 'version' 'h/help'
        case 'preview'
            __concertctl_parse_subcommand 0 'socket=' 'json' 'timeout=' 'from=' 'to=' 'city=' 'limit=' 'version' 'h/help'
        case 'reload'
            __concertctl_parse_subcommand 0 'take-file' 'socket=' 'json' 'timeout=' 'version' 'h/help'
        case 'backup'
            __concertctl_parse_subcommand 1 'socket=' 'json' 'timeout=' 'version' 'h/help'
        case 'help'
            __concertctl_parse_subcommand -r 1 'version'
        end
    end
end

function __concertctl_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __concertctl_parse_subcommand -S -a positional_count
    argparse -s r -- $argv
    set -l option_specs $argv[2..]
    set -l is_repeating_positional $_flag_r
    set -el _flag_r
    set -a commands $unparsed_tokens[1]
    set positional_index 0
    while true
        set -e unparsed_tokens[1]
        argparse -sn "$commands" $option_specs -- $unparsed_tokens 2> /dev/null
        set unparsed_tokens $argv
        set positional_index (math $positional_index + 1)
        for non_repeating_flag_or_option in $non_repeating_flags_or_options
            if set -ql "_flag_$(string replace -a - _ -- $non_repeating_flag_or_option)"
                set non_repeating_flags_or_options_absent 1
                break
            end
        end
        test (count $unparsed_tokens) -eq 0 -o \( -z "$is_repeating_positional" -a "$positional_index" -gt "$positional_count" \) && break
    end
end

function __concertctl_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __concertctl_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__concertctl_tokens -p)
    if test -z "$(__concertctl_tokens -t)"
        set -l index (count (__concertctl_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'concertctl' -f
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl" version' -l 'version' -d 'Show the version.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_positional "concertctl" -eq 1' -fa 'status' -d 'Show the daemon\'s version, uptime, clock, counts, listeners and what is failing.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_positional "concertctl" -eq 1' -fa 'cities' -d 'List the municipalities: id, Korean and English name, concert ids.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_positional "concertctl" -eq 1' -fa 'concerts' -d 'List upcoming concerts in start order.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_positional "concertctl" -eq 1' -fa 'concert' -d 'Add, reschedule, cancel or reset a concert.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_positional "concertctl" -eq 1' -fa 'subscribe' -d 'Subscribe an email address or a webhook to the concerts of some cities.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_positional "concertctl" -eq 1' -fa 'subscriptions' -d 'List subscriptions (secrets masked), in the order they were made.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_positional "concertctl" -eq 1' -fa 'unsubscribe' -d 'Remove a subscription; pending reminders are skipped, history is kept.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_positional "concertctl" -eq 1' -fa 'pause' -d 'Stop a subscription\'s reminders until `resume`.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_positional "concertctl" -eq 1' -fa 'resume' -d 'Restart a paused subscription\'s reminders (also one disabled after 410 Gone).'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_positional "concertctl" -eq 1' -fa 'upcoming' -d 'List scheduled reminders in due order.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_positional "concertctl" -eq 1' -fa 'deliveries' -d 'Show the delivery log, newest first, with attempts and the last error.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_positional "concertctl" -eq 1' -fa 'retry' -d 'Send a failed delivery again now.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_positional "concertctl" -eq 1' -fa 'test' -d 'Send a test message to a subscription now and report the receiver\'s answer.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_positional "concertctl" -eq 1' -fa 'preview' -d 'Show every reminder due in a window, rendered, without sending anything.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_positional "concertctl" -eq 1' -fa 'reload' -d 'Re-read the configuration and catalog, as SIGHUP does.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_positional "concertctl" -eq 1' -fa 'backup' -d 'Copy the database into a new file, consistently, while the daemon runs.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_positional "concertctl" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl status" socket' -l 'socket' -d 'The daemon\'s control socket (default: $CONCERTD_SOCKET, else the daemon\'s default path).' -rF
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl status" json' -l 'json' -d 'Print the daemon\'s answer as one JSON document instead of text.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl status" timeout' -l 'timeout' -d 'Seconds to wait for the daemon\'s reply, from 0.1 to 3600 (default 60). Long work (an import\'s commit, a backup) waits as long as the daemon keeps answering within this time.' -rfka ''
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl status" version' -l 'version' -d 'Show the version.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl status" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl cities" socket' -l 'socket' -d 'The daemon\'s control socket (default: $CONCERTD_SOCKET, else the daemon\'s default path).' -rF
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl cities" json' -l 'json' -d 'Print the daemon\'s answer as one JSON document instead of text.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl cities" timeout' -l 'timeout' -d 'Seconds to wait for the daemon\'s reply, from 0.1 to 3600 (default 60). Long work (an import\'s commit, a backup) waits as long as the daemon keeps answering within this time.' -rfka ''
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl cities" version' -l 'version' -d 'Show the version.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl cities" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl concerts" socket' -l 'socket' -d 'The daemon\'s control socket (default: $CONCERTD_SOCKET, else the daemon\'s default path).' -rF
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl concerts" json' -l 'json' -d 'Print the daemon\'s answer as one JSON document instead of text.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl concerts" timeout' -l 'timeout' -d 'Seconds to wait for the daemon\'s reply, from 0.1 to 3600 (default 60). Long work (an import\'s commit, a backup) waits as long as the daemon keeps answering within this time.' -rfka ''
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl concerts" city' -l 'city' -d 'Only concerts of this city (an id or a name from `cities`).' -rfka ''
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl concerts" all' -l 'all' -d 'Past and cancelled concerts too.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl concerts" limit' -l 'limit' -d 'At most this many (default: all).' -rfka ''
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl concerts" version' -l 'version' -d 'Show the version.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl concerts" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl concert" version' -l 'version' -d 'Show the version.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl concert" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_positional "concertctl concert" -eq 1' -fa 'add' -d 'Add a concert; prints its id.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_positional "concertctl concert" -eq 1' -fa 'reschedule' -d 'Move a concert or change its venue; reminders follow and subscribers are told.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_positional "concertctl concert" -eq 1' -fa 'cancel' -d 'Cancel a concert; pending reminders are skipped and subscribers are told.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_positional "concertctl concert" -eq 1' -fa 'reset' -d 'Give a concert changed with concertctl back to the catalog file.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl concert add" socket' -l 'socket' -d 'The daemon\'s control socket (default: $CONCERTD_SOCKET, else the daemon\'s default path).' -rF
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl concert add" json' -l 'json' -d 'Print the daemon\'s answer as one JSON document instead of text.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl concert add" timeout' -l 'timeout' -d 'Seconds to wait for the daemon\'s reply, from 0.1 to 3600 (default 60). Long work (an import\'s commit, a backup) waits as long as the daemon keeps answering within this time.' -rfka ''
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl concert add"' -l 'city' -d 'Cities whose subscribers are reminded; the first one hosts it.' -rfka ''
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl concert add" title' -l 'title' -d 'The concert\'s title.' -rfka ''
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl concert add" start' -l 'start' -d 'Start: 2019-11-02T14:00, 2019-11-02T14:00+09:00, or a date when the time is not announced.' -rfka ''
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl concert add" end' -l 'end' -d 'End, in the same form as --start.' -rfka ''
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl concert add" venue' -l 'venue' -d 'Where it takes place, used for both languages unless --venue-en is given.' -rfka ''
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl concert add" venue-en' -l 'venue-en' -d 'The venue\'s English name.' -rfka ''
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl concert add" speaker' -l 'speaker' -d 'Who speaks.' -rfka ''
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl concert add" version' -l 'version' -d 'Show the version.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl concert add" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl concert reschedule" socket' -l 'socket' -d 'The daemon\'s control socket (default: $CONCERTD_SOCKET, else the daemon\'s default path).' -rF
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl concert reschedule" json' -l 'json' -d 'Print the daemon\'s answer as one JSON document instead of text.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl concert reschedule" timeout' -l 'timeout' -d 'Seconds to wait for the daemon\'s reply, from 0.1 to 3600 (default 60). Long work (an import\'s commit, a backup) waits as long as the daemon keeps answering within this time.' -rfka ''
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl concert reschedule" start' -l 'start' -d 'New start, as for `concert add`; the end moves with it unless --end is given.' -rfka ''
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl concert reschedule" end' -l 'end' -d 'New end, in the same form as the start (a date when the time is not announced).' -rfka ''
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl concert reschedule" venue' -l 'venue' -d 'The venue\'s new Korean name; the English name stays unless --venue-en is given.' -rfka ''
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl concert reschedule" venue-en' -l 'venue-en' -d 'The venue\'s new English name; the Korean name stays unless --venue is given.' -rfka ''
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl concert reschedule" version' -l 'version' -d 'Show the version.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl concert reschedule" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl concert cancel" socket' -l 'socket' -d 'The daemon\'s control socket (default: $CONCERTD_SOCKET, else the daemon\'s default path).' -rF
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl concert cancel" json' -l 'json' -d 'Print the daemon\'s answer as one JSON document instead of text.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl concert cancel" timeout' -l 'timeout' -d 'Seconds to wait for the daemon\'s reply, from 0.1 to 3600 (default 60). Long work (an import\'s commit, a backup) waits as long as the daemon keeps answering within this time.' -rfka ''
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl concert cancel" version' -l 'version' -d 'Show the version.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl concert cancel" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl concert reset" socket' -l 'socket' -d 'The daemon\'s control socket (default: $CONCERTD_SOCKET, else the daemon\'s default path).' -rF
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl concert reset" json' -l 'json' -d 'Print the daemon\'s answer as one JSON document instead of text.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl concert reset" timeout' -l 'timeout' -d 'Seconds to wait for the daemon\'s reply, from 0.1 to 3600 (default 60). Long work (an import\'s commit, a backup) waits as long as the daemon keeps answering within this time.' -rfka ''
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl concert reset" version' -l 'version' -d 'Show the version.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl concert reset" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl subscribe" socket' -l 'socket' -d 'The daemon\'s control socket (default: $CONCERTD_SOCKET, else the daemon\'s default path).' -rF
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl subscribe" json' -l 'json' -d 'Print the daemon\'s answer as one JSON document instead of text.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl subscribe" timeout' -l 'timeout' -d 'Seconds to wait for the daemon\'s reply, from 0.1 to 3600 (default 60). Long work (an import\'s commit, a backup) waits as long as the daemon keeps answering within this time.' -rfka ''
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl subscribe" email' -l 'email' -d 'Send reminders to this email address.' -rfka ''
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl subscribe" webhook' -l 'webhook' -d 'Send reminders to this webhook URL.' -rfka ''
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl subscribe" format' -l 'format' -d 'The webhook\'s payload format (generic, slack, discord, …).' -rfka ''
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl subscribe" secret' -l 'secret' -d 'The signing secret of a generic webhook (default: generated).' -rfka ''
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl subscribe" before' -l 'before' -d 'When to remind, before each concert: a list such as 7d,1d,1h.' -rfka ''
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl subscribe" lang' -l 'lang' -d 'The language of the messages.' -rfka 'ko en'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl subscribe" label' -l 'label' -d 'A note for administrators, shown in listings.' -rfka ''
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl subscribe" quiet' -l 'quiet' -d 'Do not send a confirmation message.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl subscribe" from' -l 'from' -d 'Import subscriptions from a file of JSON lines.' -rF
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl subscribe" secrets-file' -l 'secrets-file' -d 'With --from: a new file to write the generated signing secrets to (mode 0600).' -rF
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl subscribe" version' -l 'version' -d 'Show the version.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl subscribe" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl subscriptions" socket' -l 'socket' -d 'The daemon\'s control socket (default: $CONCERTD_SOCKET, else the daemon\'s default path).' -rF
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl subscriptions" json' -l 'json' -d 'Print the daemon\'s answer as one JSON document instead of text.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl subscriptions" timeout' -l 'timeout' -d 'Seconds to wait for the daemon\'s reply, from 0.1 to 3600 (default 60). Long work (an import\'s commit, a backup) waits as long as the daemon keeps answering within this time.' -rfka ''
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl subscriptions" city' -l 'city' -d 'Only subscriptions that include this city.' -rfka ''
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl subscriptions" limit' -l 'limit' -d 'At most this many (default: all).' -rfka ''
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl subscriptions" version' -l 'version' -d 'Show the version.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl subscriptions" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl unsubscribe" socket' -l 'socket' -d 'The daemon\'s control socket (default: $CONCERTD_SOCKET, else the daemon\'s default path).' -rF
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl unsubscribe" json' -l 'json' -d 'Print the daemon\'s answer as one JSON document instead of text.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl unsubscribe" timeout' -l 'timeout' -d 'Seconds to wait for the daemon\'s reply, from 0.1 to 3600 (default 60). Long work (an import\'s commit, a backup) waits as long as the daemon keeps answering within this time.' -rfka ''
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl unsubscribe" version' -l 'version' -d 'Show the version.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl unsubscribe" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl pause" socket' -l 'socket' -d 'The daemon\'s control socket (default: $CONCERTD_SOCKET, else the daemon\'s default path).' -rF
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl pause" json' -l 'json' -d 'Print the daemon\'s answer as one JSON document instead of text.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl pause" timeout' -l 'timeout' -d 'Seconds to wait for the daemon\'s reply, from 0.1 to 3600 (default 60). Long work (an import\'s commit, a backup) waits as long as the daemon keeps answering within this time.' -rfka ''
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl pause" version' -l 'version' -d 'Show the version.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl pause" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl resume" socket' -l 'socket' -d 'The daemon\'s control socket (default: $CONCERTD_SOCKET, else the daemon\'s default path).' -rF
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl resume" json' -l 'json' -d 'Print the daemon\'s answer as one JSON document instead of text.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl resume" timeout' -l 'timeout' -d 'Seconds to wait for the daemon\'s reply, from 0.1 to 3600 (default 60). Long work (an import\'s commit, a backup) waits as long as the daemon keeps answering within this time.' -rfka ''
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl resume" version' -l 'version' -d 'Show the version.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl resume" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl upcoming" socket' -l 'socket' -d 'The daemon\'s control socket (default: $CONCERTD_SOCKET, else the daemon\'s default path).' -rF
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl upcoming" json' -l 'json' -d 'Print the daemon\'s answer as one JSON document instead of text.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl upcoming" timeout' -l 'timeout' -d 'Seconds to wait for the daemon\'s reply, from 0.1 to 3600 (default 60). Long work (an import\'s commit, a backup) waits as long as the daemon keeps answering within this time.' -rfka ''
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl upcoming" limit' -l 'limit' -d 'At most this many (default: all).' -rfka ''
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl upcoming" version' -l 'version' -d 'Show the version.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl upcoming" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl deliveries" socket' -l 'socket' -d 'The daemon\'s control socket (default: $CONCERTD_SOCKET, else the daemon\'s default path).' -rF
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl deliveries" json' -l 'json' -d 'Print the daemon\'s answer as one JSON document instead of text.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl deliveries" timeout' -l 'timeout' -d 'Seconds to wait for the daemon\'s reply, from 0.1 to 3600 (default 60). Long work (an import\'s commit, a backup) waits as long as the daemon keeps answering within this time.' -rfka ''
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl deliveries" state' -l 'state' -d 'Only deliveries in this state.' -rfka 'scheduled sending sent retrying failed skipped'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl deliveries" subscription' -l 'subscription' -d 'Only deliveries of this subscription.' -rfka ''
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl deliveries" limit' -l 'limit' -d 'At most this many (default: all).' -rfka ''
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl deliveries" version' -l 'version' -d 'Show the version.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl deliveries" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl retry" socket' -l 'socket' -d 'The daemon\'s control socket (default: $CONCERTD_SOCKET, else the daemon\'s default path).' -rF
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl retry" json' -l 'json' -d 'Print the daemon\'s answer as one JSON document instead of text.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl retry" timeout' -l 'timeout' -d 'Seconds to wait for the daemon\'s reply, from 0.1 to 3600 (default 60). Long work (an import\'s commit, a backup) waits as long as the daemon keeps answering within this time.' -rfka ''
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl retry" version' -l 'version' -d 'Show the version.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl retry" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl test" socket' -l 'socket' -d 'The daemon\'s control socket (default: $CONCERTD_SOCKET, else the daemon\'s default path).' -rF
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl test" json' -l 'json' -d 'Print the daemon\'s answer as one JSON document instead of text.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl test" timeout' -l 'timeout' -d 'Seconds to wait for the daemon\'s reply, from 0.1 to 3600 (default 60). Long work (an import\'s commit, a backup) waits as long as the daemon keeps answering within this time.' -rfka ''
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl test" version' -l 'version' -d 'Show the version.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl test" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl preview" socket' -l 'socket' -d 'The daemon\'s control socket (default: $CONCERTD_SOCKET, else the daemon\'s default path).' -rF
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl preview" json' -l 'json' -d 'Print the daemon\'s answer as one JSON document instead of text.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl preview" timeout' -l 'timeout' -d 'Seconds to wait for the daemon\'s reply, from 0.1 to 3600 (default 60). Long work (an import\'s commit, a backup) waits as long as the daemon keeps answering within this time.' -rfka ''
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl preview" from' -l 'from' -d 'Window start (default: the daemon\'s now).' -rfka ''
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl preview" to' -l 'to' -d 'Window end (default: seven days after --from).' -rfka ''
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl preview" city' -l 'city' -d 'Only reminders of this city\'s concerts.' -rfka ''
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl preview" limit' -l 'limit' -d 'At most this many (default: all).' -rfka ''
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl preview" version' -l 'version' -d 'Show the version.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl preview" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl reload" take-file' -l 'take-file' -d 'Import the catalog file even when it is unchanged and another catalog is in force.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl reload" socket' -l 'socket' -d 'The daemon\'s control socket (default: $CONCERTD_SOCKET, else the daemon\'s default path).' -rF
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl reload" json' -l 'json' -d 'Print the daemon\'s answer as one JSON document instead of text.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl reload" timeout' -l 'timeout' -d 'Seconds to wait for the daemon\'s reply, from 0.1 to 3600 (default 60). Long work (an import\'s commit, a backup) waits as long as the daemon keeps answering within this time.' -rfka ''
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl reload" version' -l 'version' -d 'Show the version.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl reload" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl backup" socket' -l 'socket' -d 'The daemon\'s control socket (default: $CONCERTD_SOCKET, else the daemon\'s default path).' -rF
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl backup" json' -l 'json' -d 'Print the daemon\'s answer as one JSON document instead of text.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl backup" timeout' -l 'timeout' -d 'Seconds to wait for the daemon\'s reply, from 0.1 to 3600 (default 60). Long work (an import\'s commit, a backup) waits as long as the daemon keeps answering within this time.' -rfka ''
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_positional "concertctl backup" -eq 1' -F
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl backup" version' -l 'version' -d 'Show the version.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl backup" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'concertctl' -n '__concertctl_should_offer_completions_for_flags_or_options "concertctl help" version' -l 'version' -d 'Show the version.'
