# Meeting reminders: announcement, day-before reminders, cancelling, moving, reminding again.
help-cancel = cancel a planned meeting and tell everyone already reminded (/cancel 03/12 reason)
help-remind = remind members who have not answered whether they will attend (once an hour)

reminders-nudge =
    ⏰ <b>Meeting reminder — { $cell }</b>
    The cell meets on { $when } at { $place }.
    You have not said whether you will attend; please press a button below.
reminders-soon = ⏰ A few hours to go: { $cell } meets at { $time } at { $place }. Please be on time.
reminders-tally = 📋 <b>{ $cell }</b> — meeting on { $when }: { $attend } will attend, { $absent } excused, { $silent } have not answered.
reminders-tally-silent = Not answered: { $names }
reminders-not-connected = Not connected to the bot yet (never wrote to it, so it cannot write to them): { $names }
reminders-unreachable = Did not receive the reminder: { $names }
reminders-tally-documents = Please publish the meeting documents to members today (at least one day ahead, per Guideline 42-HD/BTCTW).
reminders-open = 🔔 It is time for the meeting of { $cell } ({ $when }). Press the button below to open check-in.
reminders-open-button = Open check-in
reminders-summary = 📝 Check-in for the meeting on { $when } of { $cell } is closed but there is no summary yet. Type /summary to send it to the committee.
reminders-cancelled = ❌ <b>Meeting cancelled</b> — { $cell } cancelled the meeting on { $when }. There is no need to come.
reminders-cancelled-reason = Reason: { $reason }
reminders-moved = 🔁 <b>Meeting moved</b>: the meeting planned for { $previous } now takes place at the new time below.
reminders-undelivered = ⚠️ The bot could not deliver the reminder for the meeting on { $when } of { $cell } to some people.
reminders-undelivered-group = The cell's group chat could not be reached (the bot may have been removed from it).
reminders-undelivered-hint = Please tell them directly (call or text them).
reminders-no-day = ⚠️ In { $month } every allowed meeting day ({ $window }) of { $cell } is a configured day off. Please pick another day with /schedule.

reminders-cancel-usage = Usage: /cancel — pick the meeting to cancel; or /cancel 03/12 [reason].
reminders-cancel-pick = Pick the meeting to cancel (everyone already reminded will be told):
reminders-cancel-button = Cancel the meeting on { $day }
reminders-cancel-done = The meeting on { $when } is cancelled. { $count } people or groups already reminded were told.
reminders-cancel-not-planned = Only a meeting whose check-in has not opened can be cancelled; the meeting on { $day } has begun, ended or was cancelled.
reminders-move-not-planned = Only a meeting that has not begun can be moved.
reminders-reason-too-long = The reason is longer than { $limit } characters. Please shorten it.
reminders-none-on-day = The cell has no upcoming meeting on { $day }.
reminders-several-on-day = The cell has several meetings on { $day }. Type /cancel without a date to pick the right one.
reminders-remind-usage = Usage: /remind — remind about the next meeting; or /remind 03/12.
reminders-remind-done = Reminded { $count } members who had not answered about the meeting on { $when }.
reminders-resend-too-late = The meeting has begun or is no longer planned; it is too late to remind.
reminders-resend-wait = This meeting was just reminded. You can remind again after { $at }.
reminders-resend-nobody = Every member who gets reminders has answered; nobody to remind.

reminders-settle = ⏳ The meeting on { $when } of { $cell } has passed without check-in, so it does not count as held. If the cell met: mark members (/mark { $short } &lt;name&gt; co|vang), then send /summary { $short } to settle it. If not: /cancel { $short }.
