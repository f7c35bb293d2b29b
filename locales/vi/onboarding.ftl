# Tham gia: mã mời, duyệt tên, gắn nhóm.
help-start = kết nối tài khoản với chi bộ bằng mã mời
help-invite = lấy mã mời và đường link cho đảng viên chưa kết nối
help-link = (gõ trong nhóm) gắn nhóm này với chi bộ của đồng chí
help-approve = /duyet &lt;số&gt;: đồng ý yêu cầu kết nối số đó (gõ /duyet để xem các yêu cầu đang chờ)
help-reject = /tuchoi &lt;số&gt;: từ chối yêu cầu kết nối số đó

start-stranger =
    Xin chào! Đây là bot sinh hoạt chi bộ.
    Để tham gia, đồng chí hãy mở đường link mời hoặc gửi mã mời (10 ký tự) mà bí thư chi bộ đã gửi.
start-known = Chào đồng chí { $name }! Gõ /trogiup để xem các lệnh.

join-linked = Đã kết nối tài khoản với đồng chí <b>{ $name }</b> — { $cell }. Gõ /trogiup để xem các lệnh.
join-pick = Đồng chí là ai trong danh sách chi bộ? Chọn tên của mình; bí thư chi bộ sẽ xác nhận.
join-wait = Đã gửi yêu cầu. Bí thư chi bộ sẽ xác nhận, sau đó bot sẽ báo cho đồng chí.
join-approve-ask = Yêu cầu số { $number }: tài khoản { $platform } “{ $account }” xin kết nối với tên <b>{ $name }</b> — { $cell }. Đồng ý?
join-approve-yes = Đồng ý
join-approve-no = Từ chối
join-approved = Bí thư chi bộ đã xác nhận: tài khoản này là của đồng chí <b>{ $name }</b>. Gõ /trogiup để xem các lệnh.
join-rejected = Yêu cầu kết nối với tên { $name } chưa được chấp nhận. Vui lòng liên hệ bí thư chi bộ.
join-approved-toast = Đã duyệt yêu cầu số { $number }: kết nối { $name }.
join-rejected-toast = Đã từ chối yêu cầu số { $number } của { $name }.
join-code-unknown = Mã mời không đúng. Vui lòng kiểm tra lại hoặc xin bí thư chi bộ mã mới.
join-code-expired = Mã mời đã hết hạn. Vui lòng xin bí thư chi bộ mã mới (/moi).
join-code-used = Mã mời này đã được dùng. Mỗi mã cá nhân chỉ dùng một lần; vui lòng xin bí thư mã mới.
join-already-linked = Tài khoản này đã được kết nối với chi bộ rồi.
join-person-taken = Đồng chí { $name } đã có tài khoản trên ứng dụng này. Nếu cần đổi, vui lòng liên hệ bí thư chi bộ.
join-nobody-left = Mọi đảng viên của chi bộ đã kết nối. Vui lòng liên hệ bí thư chi bộ.
join-type-name = Chi bộ đông người nên bot không hiện hết danh sách. Vui lòng gõ họ tên của đồng chí (hoặc một phần, ví dụ “Văn Tới”).
join-name-none = Không tìm thấy tên “{ $name }” trong những người chưa kết nối. Vui lòng gõ lại họ tên.
join-name-more = Có nhiều người khớp với “{ $name }”. Vui lòng gõ đầy đủ họ tên hơn.
join-already-decided = Yêu cầu này đã được xử lý rồi.
join-wait-again = Yêu cầu của đồng chí đã được gửi và đang chờ xác nhận; không cần bấm lại.
join-claim-waiting = Tài khoản này đang có một yêu cầu chờ xác nhận (tên { $name }). Vui lòng chờ kết quả trước khi chọn tên khác.
join-claim-limit = Tài khoản này đã gửi quá nhiều yêu cầu trong hôm nay. Vui lòng thử lại vào ngày mai hoặc xin bí thư chi bộ mã mời cá nhân.
join-leader-needs-code = Đồng chí giữ chức vụ trong chi bộ cần mã mời cá nhân để kết nối. Vui lòng liên hệ cấp ủy.
join-admin-only = Yêu cầu này xin kết nối với tên một cấp ủy viên của chi bộ; chỉ quản trị viên của cấp ủy mới được duyệt.
join-no-request = Không có yêu cầu kết nối số { $number }. Gõ /duyet để xem các yêu cầu đang chờ.
join-decide-usage = Cách dùng: /duyet &lt;số&gt; hoặc /tuchoi &lt;số&gt; — số của yêu cầu trong tin nhắn bot gửi. Gõ /duyet để xem các yêu cầu đang chờ.
join-none-waiting = Không có yêu cầu kết nối nào đang chờ đồng chí duyệt.
join-waiting = Các yêu cầu kết nối đang chờ duyệt:
    { $requests }
    Gõ /duyet &lt;số&gt; để đồng ý hoặc /tuchoi &lt;số&gt; để từ chối.
join-waiting-line = • Số { $number }: tài khoản { $platform } “{ $account }” xin kết nối với tên { $name }

invite-list =
    <b>Mã mời cá nhân</b> (mỗi mã dùng một lần, hạn { $days } ngày):
    { $members }

    <b>Mã chung của chi bộ</b>: <code>{ $code }</code>
    { $link }
    Ai dùng mã chung sẽ chọn tên mình và chờ đồng chí xác nhận.
    Trên Zalo, đảng viên chỉ cần gửi mã cho bot.
invite-not-connected = <b>Chưa kết nối</b> (có tên tài khoản nhưng chưa nhắn cho bot lần nào, nên bot chưa gửi được tin): { $names }. Nhờ các đồng chí này mở bot và bấm Bắt đầu (/start).
invite-line = { $name }: <code>{ $code }</code> { $link }
invite-one = Mã mời của { $name }: <code>{ $code }</code> (hạn { $days } ngày)
    { $link }
invite-all-linked = Mọi đảng viên đã kết nối.

link-group-only = Lệnh này dùng trong nhóm chat của chi bộ: thêm bot vào nhóm rồi gõ /ketnoi trong nhóm.
link-refused = Chỉ bí thư hoặc phó bí thư chi bộ (hoặc quản trị của cấp ủy, với /ketnoi capuy) mới gắn được nhóm.
link-cell-done = Đã gắn nhóm này với { $name }. Thông báo họp và điểm danh sẽ gửi vào đây.
link-committee-done = Đã gắn nhóm này làm nhóm của cấp ủy { $name }. Báo cáo tổng kết các chi bộ sẽ gửi vào đây.
link-committee-usage = Cú pháp: /ketnoi capuy &lt;tên đảng bộ&gt;
link-committee-unknown = Không tìm thấy đảng bộ “{ $name }”. Các đảng bộ hiện có: { $known }
link-already = Nhóm này đã được gắn với { $name } rồi.
link-taken = Nhóm này đang gắn với một chi bộ hoặc cấp ủy khác.
