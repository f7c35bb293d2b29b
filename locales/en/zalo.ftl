# Zalo: numbered choices instead of buttons, and messages that are not text.
zalo-choices-title = Reply with a number:
zalo-choice-line = { $number }. { $label }
zalo-choices-reason-hint = To send apologies, reply { $number } and the reason, e.g. { $number } away on business
zalo-text-only = The bot reads text messages only. Send help to see the commands.
