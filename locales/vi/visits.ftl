## Cấp ủy viên theo dõi dự sinh hoạt chi bộ (/lichtheodoi, /nhanxet)
help-visits = lịch họp sắp tới của các chi bộ đồng chí theo dõi (30 ngày tới); /lichtheodoi dangky &lt;số&gt; để đăng ký dự, /lichtheodoi huy &lt;số&gt; để hủy đăng ký
help-visitcomment = sau khi điểm danh dự họp: /nhanxet &lt;nội dung&gt; để ghi nhận xét của cấp ủy viên theo dõi vào tổng kết

visit-list-empty = Các chi bộ đồng chí theo dõi chưa có cuộc họp nào trong { $days } ngày tới.
visit-list-title = <b>Lịch họp { $days } ngày tới của các chi bộ đồng chí theo dõi ({ $count }):</b>
visit-list-line = { $number }. { $cell }: { $when }, tại { $place }
visit-list-line-registered = { $number }. { $cell }: { $when }, tại { $place } — <b>đã đăng ký dự</b>
visit-list-hint-buttons = Bấm nút để đăng ký dự hoặc hủy đăng ký (hoặc gõ /lichtheodoi dangky &lt;số&gt;, /lichtheodoi huy &lt;số&gt;).
visit-list-hint = Đăng ký dự: /lichtheodoi dangky &lt;số&gt;. Hủy đăng ký: /lichtheodoi huy &lt;số&gt;.
visit-button-register = { $number }. Đăng ký dự — { $cell }
visit-button-cancel = { $number }. Hủy đăng ký — { $cell }
visit-usage = Cách dùng: /lichtheodoi để xem lịch; /lichtheodoi dangky &lt;số&gt; để đăng ký dự; /lichtheodoi huy &lt;số&gt; để hủy đăng ký.
visit-bad-number = Số thứ tự không hợp lệ. Hãy gõ số của cuộc họp trong danh sách /lichtheodoi (ví dụ: /lichtheodoi dangky 1).
visit-no-such-number = Không có cuộc họp số đó; danh sách /lichtheodoi hiện có { $count } cuộc họp.
visit-not-followed = Đồng chí không theo dõi chi bộ của cuộc họp này.
visit-meeting-cancelled = Cuộc họp này đã bị hủy.
visit-meeting-passed = Cuộc họp này đã bắt đầu hoặc đã qua; không đăng ký hay hủy đăng ký được nữa.
visit-already-registered = Đồng chí đã đăng ký dự cuộc họp này rồi.
visit-not-registered = Đồng chí chưa đăng ký dự cuộc họp này.
visit-registered = Đã đăng ký dự họp { $cell }: { $when }, tại { $place }. Bí thư và nhóm chi bộ đã được báo.
visit-cancelled = Đã hủy đăng ký dự họp { $cell } ({ $when }). Bí thư và nhóm chi bộ đã được báo.
visit-registered-toast = Đã đăng ký dự họp.
visit-cancelled-toast = Đã hủy đăng ký dự họp.
visit-registered-told = Đồng chí <b>{ $who }</b> (cấp ủy viên theo dõi) sẽ dự họp { $cell }: { $when }, tại { $place }.
visit-cancelled-told = Đồng chí <b>{ $who }</b> (cấp ủy viên theo dõi) báo không dự họp { $cell } ({ $when }) như đã đăng ký.
visit-checked-in = Đã ghi nhận đồng chí dự họp { $cell } với tư cách cấp ủy viên theo dõi (không tính vào sĩ số chi bộ).
visit-checked-in-already = Đồng chí đã được ghi nhận dự họp { $cell } rồi.
visit-comment-empty = Cách dùng: /nhanxet &lt;nội dung nhận xét&gt;, sau khi điểm danh dự họp.
visit-comment-too-long = Nhận xét dài { $length } ký tự; tối đa { $limit } ký tự. Vui lòng rút gọn.
visit-comment-no-checkin = Đồng chí cần điểm danh dự họp (nút “Có mặt” trong nhóm hoặc /diemdanh &lt;mã&gt;) trước khi gửi nhận xét.
visit-comment-too-late = Tổng kết cuộc họp đồng chí dự gần nhất đã được gửi; không thêm nhận xét được nữa.
visit-comment-saved = Đã ghi nhận xét của đồng chí vào tổng kết cuộc họp { $cell }. Gửi lại /nhanxet để thay nhận xét.
visit-reminder =
    <b>Nhắc dự sinh hoạt chi bộ quý { $quarter }</b>
    Quý này còn đến hết ngày { $until }; đồng chí chưa dự họp { $count } chi bộ đồng chí theo dõi: { $cells }.
    Xem lịch và đăng ký dự: /lichtheodoi
reports-summary-visitors = <b>Cấp ủy viên theo dõi dự họp ({ $count }):</b>
reports-summary-visitor-comment = Nhận xét của đồng chí { $name } (cấp ủy viên theo dõi): { $text }
rollup-visits-title = <b>Cấp ủy viên theo dõi dự sinh hoạt chi bộ, quý { $quarter }:</b>
rollup-visits-line = • { $name }: đã dự { $visited }/{ $followed } chi bộ theo dõi — { $cells }
rollup-xlsx-visits-sheet = Dự sinh hoạt quý { $quarter }
rollup-xlsx-visits-title = CẤP ỦY VIÊN THEO DÕI DỰ SINH HOẠT CHI BỘ, QUÝ { $quarter } — { $name }
rollup-xlsx-supervisor = Cấp ủy viên theo dõi
rollup-xlsx-followed = Chi bộ theo dõi
rollup-xlsx-visited = Đã dự
rollup-xlsx-visited-cells = Các chi bộ đã dự
