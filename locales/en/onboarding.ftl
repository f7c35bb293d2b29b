# Joining: invite codes, approving names, binding groups.
help-start = link your account to your cell with an invite code
help-invite = invite codes and links for members not yet linked
help-link = (in a group) bind this group to your cell

start-stranger =
    Hello! This is the party-cell meeting bot.
    To join, open the invite link or send the invite code (10 characters) your cell secretary gave you.
start-known = Hello, { $name }! Send /help for the commands.

join-linked = Your account is now linked to <b>{ $name }</b> — { $cell }. Send /help for the commands.
join-pick = Who are you in the cell's list? Choose your name; the cell secretary will confirm.
join-wait = Request sent. The cell secretary will confirm, and the bot will tell you.
join-approve-ask = { $platform } account “{ $account }” asks to be linked to <b>{ $name }</b>. Approve?
join-approve-yes = Approve
join-approve-no = Reject
join-approved = The cell secretary confirmed: this account belongs to <b>{ $name }</b>. Send /help for the commands.
join-rejected = The request to link to { $name } was not accepted. Please contact your cell secretary.
join-approved-toast = { $name } linked.
join-rejected-toast = Request of { $name } rejected.
join-code-unknown = That invite code is not right. Check it or ask the cell secretary for a new one.
join-code-expired = That invite code has expired. Ask the cell secretary for a new one (/invite).
join-code-used = That invite code was used already. A personal code works once; ask the secretary for a new one.
join-already-linked = This account is already linked to a cell.
join-person-taken = { $name } already has an account on this app. To change it, contact the cell secretary.
join-nobody-left = Every member of the cell is linked already. Please contact the cell secretary.
join-type-name = The cell is large, so the bot does not list every name. Please type your full name (or part of it, e.g. “Van Toi”).
join-name-none = No one named “{ $name }” among those not yet linked. Please type your name again.
join-name-more = Several people match “{ $name }”. Please type more of your full name.
join-already-decided = This request was handled already.

invite-list =
    <b>Personal invite codes</b> (each works once, valid { $days } days):
    { $members }

    <b>The cell's shared code</b>: <code>{ $code }</code>
    { $link }
    Whoever uses the shared code picks their name and waits for your approval.
    On Zalo, members just send the code to the bot.
invite-not-connected = <b>Not connected yet</b> (an account is on the roster but never wrote to the bot, so the bot cannot write to it): { $names }. Ask them to open the bot and press Start (/start).
invite-line = { $name }: <code>{ $code }</code> { $link }
invite-one = Invite code for { $name }: <code>{ $code }</code> (valid { $days } days)
    { $link }
invite-all-linked = Every member is linked.

link-group-only = Use this command in the cell's group chat: add the bot to the group, then send /link there.
link-refused = Only the cell secretary or deputy (or a committee administrator, with /link committee) can bind a group.
link-cell-done = This group is now bound to { $name }. Meeting announcements and check-in will come here.
link-committee-done = This group is now the committee chat of { $name }. Cell summaries will come here.
link-committee-usage = Usage: /link committee &lt;committee name&gt;
link-committee-unknown = No committee named “{ $name }”. Committees: { $known }
link-already = This group is already bound to { $name }.
link-taken = This group is bound to another cell or committee.
