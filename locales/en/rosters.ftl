# Rosters kept from chat: a file sent, previewed, confirmed.
upload-not-fetched = Could not download { $file } (too big, or no longer on the server). Nothing was changed.
upload-too-big = The file is too big: at most { $max_mb } MB (Telegram's download limit). Nothing was changed.
upload-preview =
    <b>Preview of { $file }</b> — nothing changed yet.
    • Added to a cell: { $added }{ $added_names }
    • Changed (name, role, status, readmitted): { $changed }{ $changed_names }
    • Unchanged: { $unchanged }
    • New cells: { $cells }; new organisations: { $committees }; new admins and supervisors: { $roles }
    • Current members missing from the file (kept; if they left, use /ketthuc): { $missing }{ $missing_names }
    Press “Confirm” within { $minutes } minutes to write it; the file is checked again against the data then.
upload-confirm-button = ✅ Confirm
upload-cancel-button = ✖ Cancel
upload-outside-cell = Line { $line }: “{ $place }” is not your cell; a secretary updates only her own cell's roster.
upload-outside-tree = Line { $line }: “{ $place }” is outside the organisations you administer.
upload-not-yours = This button is not yours (or the file is gone).
upload-closed = This file was already written, cancelled or replaced by a newer one.
upload-expired = The time to confirm this file has passed. Please send the file again.
upload-dropped = Cancelled { $file }; nothing was changed.
upload-dropped-toast = Cancelled.
upload-refused-toast = The file could not be written.
upload-applied-toast = Roster written.
upload-applied =
    Wrote { $file }: { $added } members added, { $changed } changed; new cells { $cells }, new organisations { $committees }, new admins and supervisors { $roles }.
upload-told = { $who } updated the cell's roster from { $file }: { $added } members added, { $changed } changed.
upload-root-admin = the system administrator

# Adding, moving, changing the status of one member by command.
help-addmember = add one member to the cell: /addmember &lt;full name&gt; [du_bi|chinh_thuc] (admins add “, &lt;cell&gt;”)
help-transfer = move a member to another cell: /transfer &lt;name or number&gt; &lt;new cell&gt;
help-setstatus = change a member's status: /setstatus &lt;name or number&gt; &lt;chinh_thuc|du_bi|mien_sinh_hoat|tam_thoi&gt;
roster-cell-unknown = No cell “{ $name }” within what you act for. Cells you may name: { $known }.
roster-name-the-cell = Please name the cell at the end of the command, after a comma (e.g. “…, Chi bộ Tổ 1”). Cells you may name: { $known }.
add-usage =
    Usage: /addmember &lt;full name with diacritics&gt; [du_bi|chinh_thuc]
    Example: /addmember Lý Văn Mới du_bi
    An organisation's admin names the cell at the end: /addmember Lý Văn Mới, Chi bộ Tổ 1
add-name-too-long = The name is longer than { $max } characters.
add-already = { $name } is already on the roster of { $cell }. To change the status, use /setstatus.
add-done = Added { $name } to { $cell } ({ $status }). Send /invite { $name } for their invite code.
add-told = { $who } added { $name } to { $cell } ({ $status }).
transfer-usage =
    Usage: /transfer &lt;name or roster number&gt; sang &lt;new cell&gt;
    Example: /transfer Lê Văn Cường sang Chi bộ Tổ 2
    The member leaves this cell today and starts in the new one; both cells keep their history. The new cell must be within what you act for; an admin names the current cell at the end, after a comma.
transfer-target-unknown = No cell “{ $name }” within what you act for, so the member was not moved. Cells you may name: { $known }.
transfer-same = That member already belongs to { $cell }.
transfer-already-there = { $name } is already a member of { $cell }.
transfer-done = Moved { $name } from { $source } to { $target } from today. The history in { $source } stays.
transfer-told = { $who } moved { $name } from { $source } to { $target }.
status-usage =
    Usage: /setstatus &lt;name or roster number&gt; &lt;status&gt;
    Statuses: chinh_thuc (full), du_bi (probationary), mien_sinh_hoat (exempt), tam_thoi (temporary).
    Example: /setstatus Phạm Thị Dung chinh_thuc
status-same = { $name } already has that status.
status-changed-meanwhile = Someone else just changed { $name }'s status. Please look again and retry.
status-done = Changed the status of { $name } in { $cell }: { $before } → { $after }.
status-told = { $who } changed the status of { $name } in { $cell }: { $before } → { $after }.
