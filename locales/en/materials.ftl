## Monthly meeting materials (/materials)
help-materials-read = The monthly meeting materials sent from above come with a “Read” button (on Zalo: type the number shown); press it once you have read them.
help-materials = (administrators) send the month's material to the cells below: /materials 12/2026 | title | text or link (only cells under commune committees: /materials xa | …; only cells under grassroots committees: /materials coso | …); a file (PDF, Word…, at most 20 MB): send it privately to the bot with the caption /materials 12/2026 | title; /materials alone shows who read it

materials-usage = Usage: /materials month | title | text or link, e.g. /materials 12/2026 | December topic | https://example.vn/topic. Only one kind of cell: /materials xa | … or /materials coso | …; one organisation below: /materials &lt;organisation&gt; | …
materials-not-admin = Only an organisation's administrator can send materials; you can see the list with /materials.
materials-bad-month = “{ $month }” is not a month; write month/year, e.g. 12/2026.
materials-no-title = A material needs a title: /materials 12/2026 | title | text or link.
materials-title-too-long = The title is too long; at most { $limit } characters.
materials-too-long = The text is too long; at most { $limit } characters. Send a link (http:// or https://) to the full document.
materials-bad-link = A link must start with http:// or https:// and have a host.
materials-unknown-node = No organisation “{ $name }” in what you administer. You can choose: { $known }
materials-which = You administer several organisations; put its name first: /materials &lt;organisation&gt; | month | title | text. You can choose: { $known }
materials-no-cells = No cell below { $name } would receive this material.
materials-post =
    📚 <b>Meeting material for { $month }</b> — { $node }
    <b>{ $title }</b>
    { $body }
    When you have read it, press “Read” so your cell knows.
materials-read-button = Read
materials-sent = Sent “{ $title }” ({ $month }) to { $cells } cells: { $groups } groups and { $members } members privately.
materials-read = Noted: you have read “{ $title }”. Thank you.
materials-read-again = You already said you read “{ $title }”.
materials-list-title = <b>Meeting materials for { $month }</b>
materials-list-line = • { $title } — { $cells } cells, { $read }/{ $expected } reads ({ $share }%)
materials-list-empty = No material for this month yet.
materials-unread = Not yet read this month's materials: { $names }
materials-summary-read = This month's materials: { $read }/{ $expected } reads ({ $share }%).
materials-agenda = Materials sent from above for this month: { $titles } — you may take them up in the agenda.
rollup-materials = materials read { $share }
materials-file-usage = Send the file privately to the bot with the caption: /materials month | title, e.g. /materials 12/2026 | December resolution. Only one kind of cell: /materials xa | … or /materials coso | …; one organisation below: /materials &lt;organisation&gt; | …
materials-file-bad-name = The file name has characters that cannot be used (control or invisible characters, / or \) or no name. Rename the file and send it again.
materials-file-name-too-long = The file name is too long; at most { $limit } characters. Rename the file and send it again.
materials-file-bad-type = This kind of file cannot be sent as a material. Allowed: { $types }.
materials-file-empty = The file { $file } is empty. Nothing was sent.
materials-post-file =
    📚 <b>Meeting material for { $month }</b> — { $node }
    <b>{ $title }</b>
    📎 File: { $file }
    When you have read it, press “Read” so your cell knows.
materials-sent-file = Sent the material “{ $title }” ({ $month }, file { $file }) to { $cells } cells: { $groups } groups and { $members } members privately.
materials-file-link = 📥 Download the file (the cell's private link, please do not share): { $link }
materials-file-elsewhere = The file “{ $file }” can only be sent on Telegram; ask your cell's secretary for a printed copy or the file.
