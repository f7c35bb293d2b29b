# Telegram channel: the greeting when the bot is added to a group.
telegram-added-to-group =
    Hello, comrades! The bot has joined this group.
    The cell's secretary or deputy: send /ketnoi (/link) in this group to bind it to the cell (meeting announcements and check-in will be posted here).
    Each member: message the bot privately to link your account; send /trogiup (/help) to see the commands.
