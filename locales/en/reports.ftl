# Reports: summary to the committee, scoring, weekly digest, exports.
help-summary = send the meeting summary to the committee ([day/month])
help-score = score the meeting on the rubric or as "Chi bộ bốn tốt"
help-digest = report on the cells you follow
help-export = export the attendance register (.xlsx) and a minutes draft (.docx)

reports-none = none
reports-no-meeting-on = The cell has no meeting on { $day }.
reports-no-meeting-held = The cell has not held any meeting yet.
reports-meeting-future = The meeting on { $day } has not happened yet, so it cannot be summarised or scored.
reports-checkin-open = Check-in for the meeting on { $day } is still open. Close it (/closecheckin) and try again.
reports-checkin-not-closed = The meeting on { $day } is not settled. If it is under way: open and close check-in (/opencheckin, /closecheckin). If it was held without check-in: mark members (/mark { $short } &lt;name&gt; co|vang), then send /summary { $short } to settle it. If the cell did not meet: /cancel { $short }.

# Summary
reports-summary-title = <b>MEETING SUMMARY — { $cell }</b>
reports-summary-meeting = { $when } — { $kind }
reports-summary-place = Place: { $place }
reports-summary-agenda = Agenda: { $agenda }
reports-summary-attendance = <b>Attendance: { $present }/{ $counted } members ({ $percent }%)</b>
reports-summary-kinds = Present: full { $full }/{ $full_total }, probationary { $probationary }/{ $probationary_total }, temporary { $temporary }/{ $temporary_total }
reports-summary-exempt = Exempted: { $total } members, not counted in the rate ({ $present } present)
reports-summary-present = <b>Present ({ $count }):</b>
reports-summary-excused = <b>Absent with reason ({ $count }):</b>
reports-summary-excused-line = • { $name }: { $reason }
reports-summary-unexcused = <b>Absent without reason ({ $count }):</b>
reports-summary-silent = <b>Never answered and did not come ({ $count }):</b>
reports-summary-opinions = <b>Opinions ({ $count }):</b>
reports-summary-opinion = • { $name }: { $text }
reports-summary-opinion-anonymous = • { $text }
reports-summary-score = <b>Score:</b> { $total }/{ $max }, rated { $rating } ({ $parts })
reports-summary-score-adjusted = Attendance points adjusted: { $reason }
reports-summary-bontot = <b>Chi bộ bốn tốt:</b> { $rating } ({ $met }/{ $count } criteria)
reports-summary-no-score = <b>Score:</b> not recorded
reports-summary-posted = The summary of the meeting on { $day } was posted to the committee's chat.
reports-summary-updated = The summary of the meeting on { $day } in the committee's chat was updated (no second copy sent).
reports-summary-replaced = <i>This summary replaces the one sent earlier.</i>
reports-summary-part-gone = <i>(This part is no longer in the new summary.)</i>
reports-summary-no-committee = No committee chat is linked, so only you received the summary of the meeting on { $day }. To link one: add the bot to the committee's group, then a bot admin types there: /link capuy { $committee }
reports-summary-in-group = The summary of the meeting on { $day } went to the committee; the details were sent privately to { $name }.
reports-anonymous-on = From now on, opinions in the committee's summary are shown without their authors.
reports-anonymous-off = From now on, opinions in the committee's summary are shown with their authors.
reports-anonymous-usage = Usage: /summary andanh bat (hide authors) or /summary andanh tat.

# Warnings
reports-warn-title = <b>⚠️ Warnings</b>
reports-warn-low = • Attendance { $percent }%, not above 85% (Hướng dẫn 12-HD/BTCTW).
reports-warn-unexcused = • { $count } members absent without reason: { $names }.
reports-warn-streak = • { $name } was absent with reason at { $count } meetings in a row in { $year }.
reports-warn-removal = • Consider removal (xóa tên): { $name } was absent without reason { $count } times in { $year } (Quy định 294-QĐ/TW).
reports-warn-unreachable = • The bot could not reach: { $names }.

# Scoring
reports-part-chuan_bi = preparation
reports-part-ty_le_du_hop = attendance
reports-part-dien_bien = conduct
reports-part-ket_thuc = closing
reports-rating-tot = good
reports-rating-kha = fair
reports-rating-trung_binh = average
reports-rating-kem = poor
reports-rating-dat = met
reports-rating-chua_dat = not met
reports-bontot-lanh_dao = good leadership of political tasks
reports-bontot-chat_luong = good meeting quality
reports-bontot-doan_ket = good unity and discipline
reports-bontot-can_bo = good cadres and members
reports-score-part = • { $part } ({ $label }): up to { $max }
reports-score-rubric-help =
    <b>Scoring the meeting of { $date }</b> (out of { $total })
    { $parts }
    Attendance points the bot proposes: <b>{ $proposed }/{ $max }</b> (attendance { $percent }%).
    To score: /score { $example }
    To change the attendance points, add them and a reason, e.g.: /score { $example } { $attendance_key }={ $proposed } reason ...
reports-score-bontot-help =
    <b>"Chi bộ bốn tốt" self-assessment — meeting of { $date }</b>
    { $criteria }
    To score: /score co co co khong (yes/no in the order above)
reports-score-criterion = { $number }. { $label }
reports-score-recorded = Score recorded for the meeting of { $date }: <b>{ $total }/{ $max }</b>, rated <b>{ $rating }</b> ({ $parts }).
reports-score-bontot-recorded = "Chi bộ bốn tốt" self-assessment recorded for { $date }: <b>{ $rating }</b> ({ $met }/{ $count } criteria).
reports-score-unknown-part = There is no part "{ $part }" in the rubric. Parts: { $parts }.
reports-score-out-of-range = Part { $part } got { $points }; it must be 0 to { $max }. Nothing was recorded.
reports-score-missing = Points missing for: { $parts }. Nothing was recorded.
reports-score-count = Give { $count } numbers in the order { $parts } (or write part=points). Nothing was recorded.
reports-score-mixed = Give the points one way: all numbers in order, or all part=points. Nothing was recorded.
reports-score-reason-needed = The bot proposes { $proposed } attendance points; to record { $given } add a reason after the points. Nothing was recorded.
reports-score-reason-too-long = The reason is too long (at most { $limit } characters). Nothing was recorded.
reports-bontot-count = Give exactly { $count } yes/no answers, in the order of the criteria. Nothing was recorded.
reports-bontot-word = "{ $word }" is not yes/no (co/khong). Nothing was recorded.
reports-score-mode-unknown = Usage: /score kieu diem (points rubric) or /score kieu bontot (Chi bộ bốn tốt).
reports-score-mode-rubric = From now on the cell scores meetings on the { $total }-point rubric.
reports-score-mode-bontot = From now on the cell assesses meetings as "Chi bộ bốn tốt".
reports-score-wrong-mode = The cell uses the "Chi bộ bốn tốt" self-assessment: answer yes/no for the four criteria, or switch with /score kieu diem.

# Weekly digest
reports-digest-title = <b>CELL MEETINGS REPORT — { $scope }</b>
reports-digest-date = { $date }, { $count } cells.
reports-digest-scope-mine = the cells you follow
reports-digest-line = <b>{ $cell }</b>: met { $last } · attendance { $percent }% { $trend } · { $opinions } opinions · { $score } · next { $next }
reports-digest-line-never = <b>{ $cell }</b>: no meeting held yet · next { $next }
reports-digest-unscored = not scored
reports-digest-no-next = not planned
reports-digest-idle = <b>No meeting held or planned in { $month } ({ $count }):</b> { $cells }
reports-digest-all-active = Every cell has met or planned a meeting in { $month }.
reports-digest-warn-cell = <b>⚠️ { $cell }</b>
reports-digest-no-warnings = No warnings.
reports-digest-chart-title = Attendance over the last 6 months (%)
reports-digest-chart-average = Average
reports-digest-chart-bar = 85% bar
reports-digest-chart-caption = Attendance over the last 6 months for { $count } cells.
reports-digest-chart-caption-lowest = Attendance over the last 6 months: the { $shown } lowest of { $count } cells, and the average.
reports-digest-none = You do not follow any cell.
reports-digest-admin-usage = You do not follow any cell. As an admin you can type /digest committee name. Committees: { $known }
reports-digest-admin-only = Only admins can see a whole committee's report. Type /digest for the cells you follow.
reports-committee-unknown = No committee called "{ $name }". Committees: { $known }

# Exports
reports-export-sent = Attendance register for { $year } and minutes draft of { $date } for { $cell }.
reports-export-register-caption = Attendance register { $year } — { $cell }
reports-export-minutes-caption = Minutes draft of { $date } — { $cell }
reports-export-usage = "{ $text }" is not valid. Usage: /export [year] [day/month], e.g. /export 2026 04/11.
reports-export-no-meetings = { $cell } held no meeting in { $year }.
reports-cell-unknown = No cell called "{ $name }".
reports-cell-ambiguous = Several cells are called "{ $name }": { $known }. Be more specific.
reports-xlsx-sheet = Attendance { $year }
reports-xlsx-title = CELL MEETING ATTENDANCE — { $cell } — { $year }
reports-xlsx-number = No.
reports-xlsx-name = Full name
reports-xlsx-status = Membership
reports-xlsx-present = Present
reports-xlsx-excused = Absent with reason
reports-xlsx-unexcused = Absent without reason
reports-xlsx-rate = Attendance (%)
reports-xlsx-mark-present = x
reports-xlsx-mark-excused = P: { $reason }
reports-xlsx-mark-unexcused = K
reports-xlsx-mark-exempt = M
reports-xlsx-total-present = Present / called
reports-xlsx-total-rate = Rate (%)
reports-xlsx-legend = Marks: x present; P absent with reason (reason given); K absent without reason; M exempted, absent (not counted).
reports-docx-party = COMMUNIST PARTY OF VIETNAM
reports-docx-committee = { $committee }
reports-docx-cell = { $cell }
reports-docx-title = MINUTES OF THE CELL MEETING
reports-docx-kind = ({ $kind })
reports-docx-when = Time: { $time }, { $date }
reports-docx-place = Place: { $place }
reports-docx-chair = Chair: ....................................
reports-docx-secretary = Minute-taker: ....................................
reports-docx-attendance-heading = I. Attendance
reports-docx-totals = Members: { $total } (full { $full }, probationary { $probationary }, temporary { $temporary }); exempted: { $exempt }.
reports-docx-present = Present: { $present }/{ $counted } members called ({ $percent }%): full { $full }, probationary { $probationary }, temporary { $temporary }; exempted present { $exempt }.
reports-docx-excused = Absent with reason: { $count } members.
reports-docx-excused-line = { $name }: { $reason }
reports-docx-unexcused = Absent without reason: { $count } members.
reports-docx-name-line = { $name }
reports-docx-agenda-heading = II. Agenda
reports-docx-opinions-heading = III. Opinions
reports-docx-opinion-line = { $name }: { $text }
reports-docx-conclusion-heading = IV. Conclusion
reports-docx-score-heading = V. Score and rating
reports-docx-blank = ..........................................................................................
reports-docx-sign-chair = CHAIR
reports-docx-sign-secretary = MINUTE-TAKER

reports-settled-now = Attendance of the meeting on { $day } is now settled from the marks made; whoever was not marked counts as absent (with reason if they asked to be excused).
help-rollup = the month’s rollup of an organisation you administer or follow (/tonghop name for one below it; /tonghop tep for Excel files)
rollup-title = <b>ROLLUP { $month } — { $name }</b>
rollup-line = • { $name }: { $cells } cells · held { $held } · coming { $planned } · not met { $missing } · attendance { $attendance } · warnings { $warnings } · average score { $score } · on the bot { $on_bot }/{ $members } members
rollup-empty = No cells below it yet.
rollup-missing = Not met and nothing planned ({ $count }): { $names }
rollup-unsent = Met but no summary sent ({ $count }): { $names }
rollup-more = { $shown } and { $more } more cells
rollup-drill = Type /tonghop and the name of one of the organisations above for its detail.
rollup-usage = Type /tonghop and an organisation's name. Yours: { $known }
rollup-unknown = No organisation “{ $name }” within your reach. Yours: { $known }
rollup-files-sent = Here are the rollup of { $month } and the year's attendance of { $name }.
rollup-files-unsupported = This platform cannot send files yet; type /tonghop tep on Telegram.
rollup-file-month = Rollup of { $month }: one row per cell
rollup-file-year = Attendance in { $year } per cell and month
rollup-xlsx-sheet = Rollup { $month }
rollup-xlsx-title = CELL MEETINGS ROLLUP { $month } — { $name }
rollup-xlsx-year-title = ATTENDANCE IN { $year } — { $name }
rollup-xlsx-child = Under
rollup-xlsx-cell = Cell
rollup-xlsx-held = Held
rollup-xlsx-planned = Coming
rollup-xlsx-missing = Not met
rollup-xlsx-present = Present
rollup-xlsx-expected = Called
rollup-xlsx-rate = Attendance (%)
rollup-xlsx-warnings = Warnings
rollup-xlsx-score = Average score
rollup-xlsx-on-bot = On the bot
rollup-xlsx-members = Members
rollup-xlsx-unsent = Summary not sent
rollup-xlsx-total = Total
rollup-xlsx-month = M{ $month }
