# Zalo: numbered choices instead of buttons, and messages that are not text.
zalo-choices-title = Reply with a number:
zalo-choice-line = { $number }. { $label }
zalo-choices-reason-hint = To send apologies, reply { $number } and the reason, e.g. { $number } away on business
zalo-command-line = { $label }: send { $command }
choices-none = No open question takes this number: it was answered, expired, or its meeting has started or was cancelled. Nothing was changed. Send /help for the commands.
choices-which = Which message are you answering? Please reply with a number: { $options }.
zalo-text-only = The bot reads text messages only. Send help to see the commands.
