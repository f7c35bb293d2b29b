# General: help, errors, formats.
help-title = <b>Your commands</b>
help-line = /{ $vi } (/{ $en }) — { $text }
help-help = list of commands
help-next = the next meeting and your answer; /lichhop tep: the meetings for your phone's calendar
help-me = your attendance this year

err-not-joined = You are not linked to a cell yet. Open the invite link or send the invite code your cell secretary gave you.
err-not-allowed = This command is not for your role.
err-secretary-only = Only the cell secretary or deputy can use this command.
err-private-only = Please message the bot privately for this command.
err-unknown-command = The bot did not understand that. Send /help for the commands.
err-internal = Something went wrong; nothing was changed. Please try again later.
err-stale-button = This button is no longer valid.
err-bad-number = “{ $text }” is not valid: give a number from { $low } to { $high }.
err-bad-year = The year “{ $text }” is not valid: give a year from { $low } to { $high }.
err-bad-date = “{ $text }” is not a valid date. Type day/month, e.g. 04/12, 04.12, 04-12 or 04/12/2026.
err-no-such-date = There is no date { $text }.

next-none = { $cell } has no meeting scheduled.
next-meeting =
    <b>Next meeting — { $cell }</b>
    Kind: { $kind }
    When: { $when }
    Place: { $place }
    Agenda: { $agenda }
    Your answer: { $answer }
next-answer-none = not answered yet
next-answer-attend = attending
next-answer-absent = excused ({ $reason })
unknown-place = not announced
no-agenda = none yet

me-record =
    <b>{ $name }</b> — { $cell }
    Role: { $role }; { $status }
    Year { $year }: { $meetings } meetings held
    Present: { $present }
    Excused: { $excused }
    Unexcused: { $unexcused }

fmt-when = { $weekday }, { $date } at { $time }
weekday-0 = Monday
weekday-1 = Tuesday
weekday-2 = Wednesday
weekday-3 = Thursday
weekday-4 = Friday
weekday-5 = Saturday
weekday-6 = Sunday

kind-thuong_ky = regular meeting
kind-chuyen_de = thematic meeting
kind-bat_thuong = extraordinary meeting
role-bi_thu = secretary
role-pho_bi_thu = deputy secretary
role-chi_uy_vien = cell committee member
role-dang_vien = member
status-chinh_thuc = full member
status-du_bi = probationary member
status-tam_thoi = temporary member
status-mien_sinh_hoat = exempted member

err-meeting-in-past = That time has passed. Please choose a time in the future.
err-meeting-overlap = The cell already has another meeting close to that time. Choose another time or cancel the other meeting first.

console-welcome = Hello, { $name }. Type /help for the commands, /quit to leave.

next-which =
    You belong to several cells with an upcoming meeting:
    { $meetings }
    Which cell's meeting do you want to see?
next-which-button = { $cell } ({ $day })

# Meetings in phone calendars (/lichhop tep, /lichhop moi, /lichhop chibo).
calendar-hint = 📅 Put the meetings in your phone's calendar: type /lichhop tep
calendar-usage =
    Usage:
    /lichhop — the next meeting
    /lichhop tep — the meetings as an .ics file and your private calendar link
    /lichhop moi — a new private link (the old one stops working)
    /lichhop chibo — the whole cell's calendar (secretary, deputy); /lichhop chibo moi for a new link
calendar-member-intro = <b>Your meetings</b>: the meetings of the cells you belong to, with time, place and agenda.
calendar-cell-intro = <b>Meetings of { $cell }</b>: for the cell's members, do not share it outside.
calendar-member-link =
    To keep your calendar up to date when a meeting moves or is cancelled, subscribe to this private link in your calendar app (Google Calendar: “Add calendar → From URL”; iPhone: Settings → Calendar → Accounts → Add Account → Other → Add Subscribed Calendar):
    { $link }
    This link is yours alone. If you shared it by mistake, type /lichhop moi for a new one.
calendar-cell-link =
    The cell's calendar link (subscribe to it in a calendar app):
    { $link }
    If the link got out, type /lichhop chibo moi for a new one.
calendar-rotated = Link changed: the old link no longer works; subscribe again with the new one.
calendar-no-address = The bot's server has no public address configured, so there is no calendar link to change. Type /lichhop tep for the calendar file.
calendar-no-file = This platform cannot send the calendar file and the server has no calendar link. Use this command on Telegram, or ask your cell secretary.
calendar-caption = Meetings calendar (.ics): open it to add the meetings to your phone's calendar.
calendar-summary = Cell meeting: { $kind } — { $cell }
calendar-summary-cancelled = [CANCELLED] Cell meeting: { $kind } — { $cell }
calendar-name = Cell meetings
calendar-name-cell = Meetings — { $cell }
