# Answers, check-in, opinions, scheduling.
help-absent = excuse yourself from the next meeting with a reason: /absent [dd/mm] &lt;reason&gt; (add the date when you belong to two cells)
help-checkin = check in with the code read out at the meeting: /checkin &lt;code&gt;
help-opinion = send an opinion: /opinion &lt;text&gt;; /opinion lists yours; /opinion delete &lt;number&gt; withdraws
help-schedule = schedule: /schedule dd/mm HH:MM [place]; /schedule monthly &lt;day&gt; HH:MM; /schedule thematic dd/mm HH:MM &lt;topic&gt;
help-agenda = agenda of the next meeting: /agenda &lt;text&gt;
help-opencheckin = open check-in (/opencheckin code: the code is required)
help-closecheckin = close check-in and settle the record (/closecheckin dd/mm: settle a past meeting)
help-mark = record attendance for someone: /mark [dd/mm] &lt;name or number&gt; co|vang [reason]

err-no-meeting = The cell has no upcoming meeting.
err-group-not-linked = This group is not bound to a cell. The cell secretary sends /link in the group to bind it.
err-not-your-cell = You are not a member of this meeting's cell.
err-other-cell = You do not run this cell.

announce-text =
    📢 <b>Cell meeting notice — { $cell }</b>
    Kind: { $kind }
    When: { $when }
    Place: { $place }
    Agenda: { $agenda }
    Please confirm whether you will attend.
rsvp-button-yes = Will attend
rsvp-button-no = Ask to be absent
rsvp-yes-done = Noted: you will attend the meeting on { $day }.
rsvp-no-ask-toast = Please message the bot your reason.
rsvp-no-ask = You asked to be absent from the meeting on { $day }. Please send the reason in your next message (or /absent &lt;reason&gt;).
rsvp-too-late = The meeting on { $day } has started; answers can no longer change. Please tell the cell secretary directly.
absent-usage = Please give the reason: /absent &lt;reason&gt;, e.g. /absent business trip.
absent-reason-missing = Please give the reason for your absence.
absent-reason-too-long = The reason is too long (at most { $limit } characters).
absent-done = Noted: you are excused from the meeting on { $day } of { $cell }. Only the cell secretary and the committee see the reason.

checkin-button = Present
checkin-post =
    🟢 <b>Meeting check-in</b>
    Press “Present” once you are in the room.
    { $counter }
checkin-post-code-hint = {""}
    This cell requires the code read out in the room: message the bot /checkin &lt;code&gt;.
checkin-post-closed =
    ⚪ <b>Check-in closed</b>
    { $counter }
checkin-counter = Present { $present }/{ $counted }
checkin-counter-closed = Present { $present }/{ $counted }
checkin-counter-exempt = {" "}(and { $exempt } exempted)
checkin-opened = Check-in for the meeting on { $day } is open for { $minutes } minutes. Code: <b>{ $code }</b> (read it out for those checking in by code).
checkin-opened-code = Check-in for the meeting on { $day } is open for { $minutes } minutes and requires the code. Code: <b>{ $code }</b> — read it out in the room; members send /checkin { $code } to the bot.
checkin-opened-toast = Check-in opened.
checkin-no-group = {""}
    The cell has no bound group, so there is no shared check-in button; members check in by code. Send /link in the cell's group to bind it.
checkin-already-open = Check-in is already open. Code: { $code }
checkin-meeting-over = The meeting on { $day } is over or cancelled.
checkin-too-early = Too early: check-in can open at most 2 hours before the meeting (the meeting on { $day }).
checkin-not-started = The meeting on { $day } has not started, so check-in cannot be closed.
checkin-open-usage = Usage: /opencheckin, or /opencheckin code (code required).
checkin-usage = Please add the code read out in the room: /checkin &lt;code&gt;.
checkin-needs-code = This cell requires the code: message the bot /checkin &lt;code read out in the room&gt;.
checkin-closed = Check-in is not open. If you are present, please tell the cell secretary.
checkin-done = Checked in. Thank you!
checkin-already = You have already checked in to the meeting on { $day }.
checkin-wrong-code = Wrong code. Please check the code read out in the room.
checkin-locked = Too many wrong codes. Please ask the cell secretary to check you in.
checkin-closed-done = Check-in for the meeting on { $day } closed. { $counter }. Whoever neither checked in nor gave a reason is absent without reason.

mark-usage =
    Usage: /mark &lt;name or number&gt; co|vang [reason]
    Cell roster:
    { $roster }
mark-roster-line = { $number }. { $name }
mark-no-number = No such number; the roster has { $count } people.
mark-no-name = Nobody named “{ $name }” in the cell. Send /mark to see the numbered roster.
mark-ambiguous = Several people match “{ $name }”. Please use the number (send /mark to see it).
mark-cancelled = The meeting on { $day } was cancelled.
mark-present-done = { $name } recorded present (meeting on { $day }).
mark-excused-done = { $name } recorded absent with reason (meeting on { $day }).
mark-unexcused-done = { $name } recorded absent without reason (meeting on { $day }).

opinion-added = Opinion received ({ $count } from you for the meeting on { $day }). Send /opinion to review.
opinion-none = You have sent no opinion for the meeting on { $day }. Send: /opinion &lt;text&gt;.
opinion-list =
    <b>Your opinions — meeting on { $day }</b>
    { $opinions }
    Withdraw one: /opinion delete &lt;number&gt;
opinion-line = { $number }. { $text }
opinion-empty = Please write the opinion: /opinion &lt;text&gt;.
opinion-too-long = The opinion is { $length } characters; at most { $limit }. Please shorten it.
opinion-too-many = You already have { $limit } opinions for this meeting, the most allowed. To send a new one, withdraw one first (/opinion delete &lt;number&gt;, see numbers with /opinion).
opinion-meeting-over = The meeting is over; no more opinions.
opinion-no-such = No opinion with that number (you have { $count }).
opinion-withdraw-usage = Usage: /opinion delete &lt;number&gt; (see numbers with /opinion).
opinion-withdrawn = Opinion { $number } withdrawn (meeting on { $day }).

schedule-usage =
    Usage:
    /schedule dd/mm[/yyyy] HH:MM [place]
    /schedule monthly &lt;day&gt; HH:MM [place]
    /schedule thematic dd/mm HH:MM &lt;topic&gt;
schedule-bad-time = “{ $text }” is not a time (use HH:MM, e.g. 19:30).
schedule-thematic-topic = Please give the topic: /schedule thematic dd/mm HH:MM &lt;topic&gt;.
schedule-place-too-long = The place is too long (at most { $limit } characters).
schedule-done = Meeting scheduled.
schedule-no-group = The cell has no bound group, so the notice was not posted to a group. Send /link in the cell's group.
schedule-monthly-usage = Usage: /schedule monthly &lt;day&gt; HH:MM [place], e.g. /schedule monthly 4 19:30 Community hall.
schedule-monthly-day = Day { $day } is not valid: choose 1 to 28 so that every month has it.
schedule-monthly-outside = Day { $day } is outside the committee's meeting window ({ $window }). Reply “yes” to keep it anyway, or send the command again with another day.
schedule-monthly-kept = The previous monthly rule is kept.
schedule-monthly-done =
    Monthly meeting set: day { $day } at { $time }, at { $place }.
    Meetings planned: { $planned }
schedule-monthly-none-planned = none (the coming months already have a meeting or clash)
schedule-time-gap = { $date } has no { $time } in { $zone }: the clocks jump forward (daylight saving time starts) and the first time after that is { $first }. Please schedule again with another time, e.g. { $first }.
schedule-time-ambiguous = On { $date }, { $time } in { $zone } happens twice because the clocks go back (daylight saving time ends). Please choose another time so nobody is misled.
schedule-monthly-gap = Note: { $date } has no { $wanted } (the clocks jump forward), so that day's meeting is at { $real }.
schedule-monthly-ambiguous = Note: on { $date }, { $wanted } happens twice (the clocks go back); the meeting is at the first one ({ $real } UTC{ $offset }).
agenda-usage = Usage: /agenda &lt;agenda of the meeting&gt;.
agenda-too-long = The agenda is too long (at most { $limit } characters).
agenda-done = Agenda of the meeting on { $day } updated: { $agenda }

# Past meetings nobody settled; members of two cells.
meeting-none-on-day = There is no meeting (not cancelled) on { $day }.
meeting-choice-line = • { $cell }: { $when }
absent-which =
    You have upcoming meetings in several cells:
    { $meetings }
    Which one are you excused from? Press a button below and send the reason, or put the meeting's date before the reason, e.g. /absent { $first } { $example }
absent-which-button = Absent: { $cell } ({ $day })
checkin-code-done = Checked in to the meeting on { $day } of { $cell }. Thank you!
checkin-close-usage = Usage: /closecheckin, or /closecheckin dd/mm to settle a past meeting that had no check-in.
checkin-no-free-code = Too many check-ins are open at once; please try again in a few minutes.
mark-settle-hint = The meeting on { $day } is not settled yet. When the marks are done, send /summary { $short } to settle it and send the summary (whoever is not marked counts as absent without reason), or /cancel { $short } if the cell did not meet.
