help-appoint = appoint admins and supervisors of organisations below yours: /phancong quantri &lt;organisation&gt; | &lt;full name&gt;; /phancong theodoi …; /phancong bo quantri … to remove; /phancong &lt;organisation&gt; to list
appoint-usage = Usage: /phancong quantri &lt;organisation&gt; | &lt;full name&gt; (or theodoi); put “bo” first to remove: /phancong bo quantri &lt;organisation&gt; | &lt;full name&gt;. Type /phancong &lt;organisation&gt; to see who holds a role there.
appoint-not-below = You can appoint only in organisations below the ones you administer; { $name } is not.
appoint-no-person = Nobody called “{ $name }” in { $node } (members of its cells, or people holding a role there). A newcomer must be on the roster first.
appoint-ambiguous = Several people are called “{ $name }”: { $people }. Give the number instead, e.g. #12.
appoint-unchanged = { $name } holds that role already.
appoint-unchanged-removed = { $name } does not hold that role.
appoint-done-quan_tri = { $name } is now an admin of { $node }.
appoint-done-theo_doi = { $name } now follows { $node }.
appoint-removed-quan_tri = { $name } is no longer an admin of { $node }.
appoint-removed-theo_doi = { $name } no longer follows { $node }.
appoint-told-done-quan_tri = { $by } made you an admin of { $node } on chibo-bot. Type /trogiup for your commands.
appoint-told-done-theo_doi = { $by } asked you to follow { $node } on chibo-bot. Type /baocao or /tonghop.
appoint-told-removed-quan_tri = { $by } removed you as an admin of { $node }.
appoint-told-removed-theo_doi = { $by } removed you as a supervisor of { $node }.
appoint-list =
    <b>{ $node }</b>
    { $holders }
appoint-holder-quan_tri = • Admin: { $name } (#{ $id })
appoint-holder-theo_doi = • Follows: { $name } (#{ $id })
appoint-nobody = Nobody holds a role there yet.
appoint-suggest = Nobody is called exactly “{ $name }”. Did you mean: { $people }? If so, give the number instead of the name, e.g. #12.
