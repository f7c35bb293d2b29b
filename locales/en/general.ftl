# General: help, errors, formats.
help-title = <b>Your commands</b>
help-line = /{ $vi } (/{ $en }) — { $text }
help-help = list of commands
help-next = the next meeting and your answer
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
