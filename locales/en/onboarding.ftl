# Joining: invite codes, approving names, binding groups.
help-start = link your account to your cell with an invite code
help-invite = invite codes and links for members not yet linked
help-link = (in a group) bind this group to your cell
help-approve = /approve &lt;number&gt;: approve that link request (send /approve alone to list those waiting)
help-reject = /reject &lt;number&gt;: reject that link request

start-stranger =
    Hello! This is the party-cell meeting bot.
    To join, open the invite link or send the invite code (10 characters) your cell secretary gave you.
start-known = Hello, { $name }! Send /help for the commands.

join-linked = Your account is now linked to <b>{ $name }</b> — { $cell }. Send /help for the commands.
join-pick = Who are you in the cell's list? Choose your name; the cell secretary will confirm.
join-wait = Request sent. The cell secretary will confirm, and the bot will tell you.
join-approve-ask = Request { $number }: { $platform } account “{ $account }” asks to be linked to <b>{ $name }</b> — { $cell }. Approve?
join-approve-yes = Approve
join-approve-no = Reject
join-approved = The cell secretary confirmed: this account belongs to <b>{ $name }</b>. Send /help for the commands.
join-rejected = The request to link to { $name } was not accepted. Please contact your cell secretary.
join-approved-toast = Request { $number } approved: { $name } linked.
join-rejected-toast = Request { $number } of { $name } rejected.
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
join-wait-again = Your request was sent and is waiting for confirmation; no need to press again.
join-claim-waiting = This account already has a request waiting (name { $name }). Please wait for it before choosing another name.
join-claim-limit = This account has sent too many requests today. Please try again tomorrow or ask the cell secretary for a personal invite code.
join-leader-needs-code = A member holding a cell office needs a personal invite code to link. Please contact the committee.
join-admin-only = This request claims the name of a cell leader; only the committee's administrator may decide it.
join-no-request = There is no link request number { $number }. Send /approve to list those waiting.
join-decide-usage = Usage: /approve &lt;number&gt; or /reject &lt;number&gt; — the request's number in the bot's message. Send /approve to list those waiting.
join-none-waiting = No link request is waiting for your decision.
join-waiting = Link requests waiting:
    { $requests }
    Send /approve &lt;number&gt; to approve or /reject &lt;number&gt; to reject.
join-waiting-line = • Number { $number }: { $platform } account “{ $account }” asks to be linked to { $name }

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
