# Data protection: ending a membership, erasing personal data, a member's own data.
help-endmember = end a member's membership: /endmember &lt;name or number&gt; &lt;moved|removed|died&gt; [dd/mm/yyyy] [note] (admins add “, &lt;cell&gt;”)
help-mydata = get everything the bot holds about you
help-erase = (committee admin) erase one person's personal data on request: /erase &lt;id&gt;

end-usage =
    Usage: /endmember &lt;name or roster number&gt; &lt;reason&gt; [date dd/mm/yyyy] [note]
    Reasons: moved (moved to another cell), removed (removed from the rolls), died, other.
    Example: /endmember Lê Văn Cường moved 01/11/2026 moved to Tây Hồ ward
    Without a date the membership ends today. Send /mark to see the numbered roster.
    An organisation's admin names the cell at the end, after a comma: /endmember Lê Văn Cường died 01/11/2026, Chi bộ Tổ 1
end-told = { $who } recorded: { $name } is no longer a member of { $cell } from { $date } ({ $reason }).
end-done = Recorded: { $name } is no longer a member of { $cell } from { $date } ({ $reason }). Past attendance and opinions stay; from that day they are not counted, reminded or invited.
end-ambiguous = Several people are named “{ $name }”. Please use the roster number (send /mark to see it).
end-did-you-mean = Nobody is named exactly “{ $name }”. Did you mean: { $names }? Type the full name with its diacritics or use the number.
end-future = The end date { $date } has not come yet. Record it on that day or later.
end-already = { $name }'s membership of the cell has already ended.
end-reason-chuyen_di = moved away
end-reason-xoa_ten = removed from the rolls
end-reason-tu_tran = died
end-reason-khac = other reason

erase-admin-only = Only the committee's administrators can erase personal data.
erase-usage = Usage: /erase &lt;id&gt; (or &lt;full name&gt; to find the id). The bot shows what will be erased and how to confirm.
erase-no-name = Nobody is named “{ $name }”.
erase-candidates = People named “{ $name }”: { $people }. Send /erase &lt;id&gt; to see what would be erased.
erase-unknown = Nobody has the id { $id }.
erase-already = The personal data of id { $id } was erased before.
erase-preview =
    <b>Erase the personal data of #{ $id } — { $name }</b>
    Cells: { $cells }
    Erased: name, phone, { $accounts } chat accounts, { $reasons } absence reasons, the text of { $opinions } opinions, join requests and invite codes.
    Kept: attendance counts (so meeting figures do not change).
    This cannot be undone. To erase, send: /erase { $id } confirm
erase-done = The personal data of id { $id } has been erased. The erasure is in the audit log.
erase-placeholder = Member #{ $id } (erased)
erase-opinion-text = (text erased)

mydata-caption = Everything the bot holds about you (JSON): { $memberships } memberships, { $attendance } meetings, { $opinions } opinions, { $audit } changes made by others.
mydata-text =
    <b>What the bot holds about { $name }</b>
    Memberships: { $memberships }
    Meetings on record: { $attendance }
    Opinions: { $opinions }
    Changes made by others (audit log): { $audit }
    Zalo cannot send files. For the full file, send /mydata on Telegram, or ask your cell secretary.
