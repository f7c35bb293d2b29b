help-appoint = phân công quản trị viên, cấp ủy viên theo dõi cho tổ chức cấp dưới: /phancong quantri &lt;tổ chức&gt; | &lt;họ tên&gt;; /phancong theodoi …; /phancong bo quantri … để thôi; /phancong &lt;tổ chức&gt; để xem
appoint-usage = Cách dùng: /phancong quantri &lt;tên tổ chức&gt; | &lt;họ tên&gt; (hoặc theodoi); thêm “bo” ở đầu để thôi phân công: /phancong bo quantri &lt;tên tổ chức&gt; | &lt;họ tên&gt;. Gõ /phancong &lt;tên tổ chức&gt; để xem ai đang được phân công.
appoint-not-below = Đồng chí chỉ phân công được cho các tổ chức cấp dưới của tổ chức mình quản trị; { $name } không thuộc phạm vi đó.
appoint-no-person = Không có ai tên “{ $name }” trong { $node } (đảng viên các chi bộ trực thuộc hoặc người đã được phân công ở đó). Người mới cần có trong danh sách đảng viên trước.
appoint-ambiguous = Có nhiều người tên “{ $name }”: { $people }. Hãy ghi mã số, ví dụ #12, thay cho họ tên.
appoint-unchanged = { $name } đã được phân công như vậy rồi.
appoint-unchanged-removed = { $name } không có phân công đó.
appoint-done-quan_tri = Đã phân công { $name } làm quản trị viên của { $node }.
appoint-done-theo_doi = Đã phân công { $name } theo dõi { $node }.
appoint-removed-quan_tri = { $name } thôi làm quản trị viên của { $node }.
appoint-removed-theo_doi = { $name } thôi theo dõi { $node }.
appoint-told-done-quan_tri = Đồng chí được { $by } phân công làm quản trị viên của { $node } trên chibo-bot. Gõ /trogiup để xem các lệnh.
appoint-told-done-theo_doi = Đồng chí được { $by } phân công theo dõi { $node } trên chibo-bot. Gõ /baocao hoặc /tonghop để xem tình hình.
appoint-told-removed-quan_tri = { $by } đã thôi phân công đồng chí làm quản trị viên của { $node }.
appoint-told-removed-theo_doi = { $by } đã thôi phân công đồng chí theo dõi { $node }.
appoint-list =
    <b>{ $node }</b>
    { $holders }
appoint-holder-quan_tri = • Quản trị: { $name } (#{ $id })
appoint-holder-theo_doi = • Theo dõi: { $name } (#{ $id })
appoint-nobody = Chưa có ai được phân công.
appoint-suggest = Không có ai tên đúng “{ $name }”. Có phải: { $people }? Nếu đúng, hãy ghi mã số thay cho họ tên, ví dụ #12.
