# Importing a roster (python bot.py import): why a file is refused, and what was done.
roster-refused = Import refused, nothing was changed:
roster-more-problems = … and { $count } more problems.
roster-report =
    Imported { $file }:
      committees: { $committees_added } added, { $committees_unchanged } unchanged
      cells: { $cells_added } added, { $cells_unchanged } unchanged
      members: { $members_added } added, { $members_updated } updated, { $members_unchanged } unchanged
      supervisors: { $supervisors_added } added, { $supervisors_unchanged } unchanged
      admins: { $admins_added } added, { $admins_unchanged } unchanged
roster-bad-suffix = { $name }: only .csv and .xlsx files can be imported.
roster-unreadable = { $name }: cannot read the file ({ $reason }).
roster-too-big = The file is too big: at most { $max_mb } MB.
roster-not-utf8 = The file is not UTF-8 text: save it as “CSV UTF-8” or as .xlsx.
roster-binary = The file is not a text spreadsheet (it holds binary data).
roster-not-table = The CSV file is damaged or has a cell that is far too long.
roster-not-xlsx = The file is not an .xlsx spreadsheet (or it is damaged).
roster-empty = The file is empty: the first line must hold the column names.
roster-too-many-columns = The file has more than { $max } columns.
roster-too-many-rows = The file has more than { $max } rows: at most { $max } members can be imported at once.
roster-too-many-blank = The file has more than { $max } blank lines: delete them and import again.
roster-too-many-cells = The spreadsheet has too many cells (a row with more than { $row }, or more than { $total } in all): copy the roster alone into a new file.
roster-no-members = The file has column names but no members.
roster-unknown-columns = Line 1: unknown column(s) { $columns }; known: { $known }.
roster-missing-column = Line 1: missing column { $column }.
roster-name-empty = Line { $line }: ho_ten (full name) is empty.
roster-cell-empty = Line { $line }: chi_bo (cell) is empty.
roster-too-long = Line { $line }: { $column } is longer than 200 characters.
roster-bad-role = Line { $line }: vai_tro “{ $value }” is not one of bi_thu, pho_bi_thu, chi_uy_vien, dang_vien, theo_doi, quan_tri.
roster-bad-status = Line { $line }: trang_thai “{ $value }” is not one of chinh_thuc, du_bi, tam_thoi, mien_sinh_hoat.
roster-bad-telegram = Line { $line }: telegram_id “{ $value }” must be a positive whole number.
roster-bad-zalo = Line { $line }: zalo_id “{ $value }” must be letters and digits, at most 64.
roster-bad-phone = Line { $line }: dien_thoai “{ $value }” is not a phone number.
roster-bad-flag = Line { $line }: column { $column } takes “x” or “có”, not “{ $value }”.
roster-no-committee = Line { $line }: dang_bo is empty and cannot be guessed; fill in the committee.
roster-two-names = Line { $line }: { $name } shares an id or phone with { $other } on line { $other_line }; one person cannot have two names.
roster-different-values = Lines { $lines }: one person with different { $column } values ({ $values }).
roster-role-differs = Line { $line }: { $name } in { $cell } is listed again on line { $other_line } with a different vai_tro or trang_thai.
roster-second-secretary = Line { $line }: { $cell } already has a secretary ({ $name }, line { $other_line }).
roster-secretary-in-db = Line { $line }: { $cell } already has a secretary, { $name }; a cell has one. To replace her, list { $name } with another role in the same file.
roster-ids-two-people = Line { $line }: { $name }: the database disagrees ({ $first_by } belongs to { $first }, { $second_by } to { $second }).
roster-renames = Line { $line }: { $by } belongs to { $old }, but the file says { $new }. If this is a rename, put “{ $old }” in column ten_cu; otherwise correct the number.
roster-old-name-differs = Line { $line }: ten_cu says “{ $old }” but this person is called { $stored }.
roster-old-name-unknown = Line { $line }: nobody in the cell is called “{ $old }” (ten_cu). Did you mean: { $hint }?
roster-moves = Line { $line }: { $by } belongs to { $name } of { $cells }; the file places this person in { $cell }. If she really joins that cell too, put “x” in column them_chi_bo; otherwise correct the number.
roster-name-ambiguous = Line { $line }: { $cell } has several people called { $name }; add a phone or an id to say which.
roster-same-person = Line { $line }: { $name } is the same person as on line { $other_line }.
roster-membership-ended = Line { $line }: { $name }'s membership of { $cell } ended ({ $reason }); to take her back, put “x” in a tiep_nhan_lai column on this line.
roster-member-and-follower = Line { $line }: { $name } cannot both be a member of { $cell } and follow it.
roster-busy = The database is busy (another import, or the bot writing); nothing was changed, try again in a few minutes.
roster-conflict = The data changed during the import; nothing was changed, import again.
roster-bad-chain = Line { $line }: cap_tren “{ $value }” has an empty name; list the levels from the top, separated by “ / ”, e.g. Thành ủy Hà Nội / Đảng ủy phường Hoàn Kiếm.
roster-chain-too-deep = Line { $line }: cap_tren has more than { $max } levels.
roster-admin-with-cell = Line { $line }: vai_tro quan_tri administers an organisation, so leave chi_bo empty (the organisation is the last level of cap_tren); whoever runs a cell is bi_thu or pho_bi_thu.
roster-node-role-no-chain = Line { $line }: chi_bo is empty but there is no cap_tren or dang_bo; name the organisation this person administers or follows.
roster-node-role-no-id = Line { $line }: { $name } administers or follows an organisation, so needs a telegram_id, zalo_id or dien_thoai to be told apart.
roster-committee-ambiguous = Line { $line }: several organisations are called “{ $name }” ({ $where }); give every level above in cap_tren.
