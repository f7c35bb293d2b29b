## Supervisors' visits to the cells they follow (/visits, /visitcomment)
help-visits = the coming meetings (next 30 days) of the cells you follow; /visits register &lt;number&gt; to attend one, /visits cancel &lt;number&gt; to withdraw
help-visitcomment = after checking in at a meeting: /visitcomment &lt;text&gt; adds your comment as a supervisor to its summary

visit-list-empty = The cells you follow have no meeting in the next { $days } days.
visit-list-title = <b>Meetings in the next { $days } days of the cells you follow ({ $count }):</b>
visit-list-line = { $number }. { $cell }: { $when }, at { $place }
visit-list-line-registered = { $number }. { $cell }: { $when }, at { $place } — <b>registered</b>
visit-list-hint-buttons = Press a button to register or withdraw (or type /visits register &lt;number&gt;, /visits cancel &lt;number&gt;).
visit-list-hint = To attend: /visits register &lt;number&gt;. To withdraw: /visits cancel &lt;number&gt;.
visit-button-register = { $number }. Attend — { $cell }
visit-button-cancel = { $number }. Withdraw — { $cell }
visit-usage = Usage: /visits for the list; /visits register &lt;number&gt; to attend; /visits cancel &lt;number&gt; to withdraw.
visit-bad-number = Not a valid number. Type the number of a meeting in the /visits list (e.g. /visits register 1).
visit-no-such-number = There is no meeting with that number; the /visits list has { $count }.
visit-not-followed = You do not follow the cell of this meeting.
visit-meeting-cancelled = This meeting was cancelled.
visit-meeting-passed = This meeting has begun or is over; registrations can no longer change.
visit-already-registered = You are already registered for this meeting.
visit-not-registered = You are not registered for this meeting.
visit-registered = Registered to attend { $cell }: { $when }, at { $place }. The secretary and the cell's group were told.
visit-cancelled = Withdrawn from { $cell } ({ $when }). The secretary and the cell's group were told.
visit-registered-toast = Registered.
visit-cancelled-toast = Withdrawn.
visit-registered-told = <b>{ $who }</b> (supervisor) will attend { $cell }: { $when }, at { $place }.
visit-cancelled-told = <b>{ $who }</b> (supervisor) will not attend { $cell } ({ $when }) after all.
visit-checked-in = You are recorded at { $cell }'s meeting as a supervisor (not counted in the cell's attendance).
visit-checked-in-already = You are already recorded at { $cell }'s meeting.
visit-comment-empty = Usage: /visitcomment &lt;your comment&gt;, after checking in at the meeting.
visit-comment-too-long = The comment is { $length } characters long; at most { $limit }. Please shorten it.
visit-comment-no-checkin = Check in at the meeting first (the “Present” button in the group or /checkin &lt;code&gt;), then send your comment.
visit-comment-too-late = The summary of the meeting you last attended was sent; no more comments can be added.
visit-comment-saved = Your comment is in the summary of { $cell }'s meeting. Send /visitcomment again to replace it.
visit-reminder =
    <b>Quarter { $quarter }: cell meetings to attend</b>
    The quarter lasts until { $until }; you have not attended the meeting of { $count } cell(s) you follow: { $cells }.
    The list and registration: /visits
reports-summary-visitors = <b>Supervisors present ({ $count }):</b>
reports-summary-visitor-comment = Comment of { $name } (supervisor): { $text }
rollup-visits-title = <b>Supervisors' visits, quarter { $quarter }:</b>
rollup-visits-line = • { $name }: attended { $visited }/{ $followed } followed cells — { $cells }
rollup-xlsx-visits-sheet = Visits Q{ $quarter }
rollup-xlsx-visits-title = SUPERVISORS' VISITS TO CELL MEETINGS, QUARTER { $quarter } — { $name }
rollup-xlsx-supervisor = Supervisor
rollup-xlsx-followed = Cells followed
rollup-xlsx-visited = Attended
rollup-xlsx-visited-cells = Cells attended
