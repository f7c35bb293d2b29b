## Resolution votes (/vote) and absences declared ahead (/away)
help-vote = open a vote during the meeting: /vote &lt;text&gt;; /vote shows how many have voted
help-endvote = close the open vote and announce the result
help-away = declare a long absence: /away dd/mm-dd/mm &lt;reason&gt;; /away lists; /away cancel &lt;number&gt; (a secretary for a member: /away &lt;name|number&gt; dd/mm-dd/mm &lt;reason&gt;)

vote-choice-tan_thanh = In favour
vote-choice-khong_tan_thanh = Against
vote-usage = Usage: /vote &lt;text of the resolution&gt;, during the meeting (after check-in opened).
vote-no-meeting = A vote can only be opened during a meeting: open check-in (/opencheckin) first.
vote-too-long = The text is { $length } characters; at most { $limit }.
vote-already-open = Vote { $number } is still open: “{ $text }”. Close it with /endvote, then open a new one.
vote-none-open = No vote is open.
vote-closed = Vote { $number } is closed; no more answers.
vote-probationary = Probationary members do not vote on the cell's resolutions.
vote-temporary = Temporarily attending members vote in their own cell, not here.
vote-not-present = Only members present at the meeting vote. Check in first (the group's check-in button or /checkin &lt;code&gt;).
vote-post =
    <b>Vote { $number }</b>
    “{ $text }”
    Full members present choose In favour or Against (until { $until }). Each answer stays secret; only the totals are announced.
vote-ballot =
    <b>Vote { $number }</b>
    “{ $text }”
    Choose In favour or Against (until { $until }); you may change your mind before it closes. Your answer stays secret.
vote-opened = Vote { $number } is open (until { $until }); ballots were sent privately to { $sent } members present. Close it early with /endvote.
vote-status = Vote { $number }: “{ $text }” — { $answered } have voted; it closes at { $until } or with /endvote.
vote-cast = Your answer to vote { $number }: { $choice }.
vote-changed = Your answer to vote { $number } is now: { $choice } (was: { $earlier }).
vote-change-hint = {" "}To change your mind, choose again before the vote closes.
vote-closed-done = { $result }
vote-closed-by-time =
    The vote's time is up; it is closed.
    { $result }
vote-post-closed =
    <b>Vote closed</b>
    { $result }
vote-result-title = <b>Vote { $number }:</b> “{ $text }”
vote-result-count = In favour: { $yes } · Against: { $no } · Did not vote: { $silent }
vote-result-base = Counted against { $called } full members called to the meeting; more than half is needed, that is at least { $needed } in favour.
vote-result-left-out = Not counted: { $parts }.
vote-left-out-temporary = { $count } temporarily attending members
vote-left-out-probationary = { $count } probationary members (they do not vote)
vote-left-out-exempt = { $count } absent exempted members
vote-result-passed = Result: { $yes }/{ $called } = { $percent }% in favour → <b>PASSED</b>.
vote-result-failed = Result: { $yes }/{ $called } = { $percent }% in favour → <b>NOT PASSED</b> (not more than half).

absence-usage = Usage: /away dd/mm-dd/mm &lt;reason&gt;, e.g. /away 20/12-10/01 hospital treatment. List: /away; cancel: /away cancel &lt;number&gt;.
absence-no-reason = Please give the reason, e.g. /away 20/12-10/01 hospital treatment.
absence-end-before-start = The last day { $last } is before the first day { $first }. Please check.
absence-in-past = The period ended on { $last }, already past. Only a period not yet over can be declared.
absence-too-long = The period is { $days } days; one declaration covers at most { $limit } days. Declare the next one when it ends.
absence-overlap = A period from { $first } to { $last } overlaps this one. See it with /away; cancel it with /away cancel &lt;number&gt; to declare again.
absence-declared = Absence recorded from { $first } to { $last } ({ $days } days). Meetings in that time will record you as excused, and you get no meeting reminders. If you come anyway, just check in.
absence-declared-for = Absence recorded for { $name } from { $first } to { $last } ({ $days } days).
absence-none = No absence is under way or ahead.
absence-list =
    <b>Declared absences</b>
    { $lines }
    Cancel one: /away cancel &lt;number&gt;.
absence-line = { $number }. { $first } – { $last }: { $reason }
absence-line-named = { $number }. { $name }: { $first } – { $last }: { $reason }
absence-cancel-usage = Usage: /away cancel &lt;number&gt; (see numbers with /away).
absence-no-such = There is no such period (the list has { $count }).
absence-cancelled = Absence from { $first } to { $last } cancelled.
