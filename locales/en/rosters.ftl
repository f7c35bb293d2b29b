# Rosters kept from chat: a file sent, previewed, confirmed.
upload-not-fetched = Could not download { $file } (too big, or no longer on the server). Nothing was changed.
upload-preview =
    <b>Preview of { $file }</b> — nothing changed yet.
    • Added to a cell: { $added } { $added_names }
    • Changed (name, role, status, readmitted): { $changed } { $changed_names }
    • Unchanged: { $unchanged }
    • New cells: { $cells }; new organisations: { $committees }; new admins and supervisors: { $roles }
    • Current members missing from the file (kept; if they left, use /ketthuc): { $missing } { $missing_names }
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
