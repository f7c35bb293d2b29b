## Biểu quyết nghị quyết (/bieuquyet) và tạm vắng (/tamvang)
help-vote = mở biểu quyết trong cuộc họp: /bieuquyet &lt;nội dung&gt;; /bieuquyet để xem số người đã biểu quyết
help-endvote = kết thúc biểu quyết đang mở và công bố kết quả
help-away = báo tạm vắng dài ngày: /tamvang dd/mm-dd/mm &lt;lý do&gt;; /tamvang để xem; /tamvang huy &lt;số&gt; để hủy (bí thư ghi cho đảng viên: /tamvang &lt;tên|số&gt; dd/mm-dd/mm &lt;lý do&gt;)

vote-choice-tan_thanh = Tán thành
vote-choice-khong_tan_thanh = Không tán thành
vote-usage = Cách dùng: /bieuquyet &lt;nội dung nghị quyết cần biểu quyết&gt;, trong cuộc họp (sau khi mở điểm danh).
vote-no-meeting = Chỉ mở biểu quyết được trong cuộc họp: hãy mở điểm danh (/modiemdanh) trước.
vote-too-long = Nội dung biểu quyết dài { $length } ký tự; tối đa { $limit } ký tự.
vote-already-open = Đang có biểu quyết số { $number } chưa kết thúc: “{ $text }”. Kết thúc bằng /ketthucbieuquyet rồi mở biểu quyết mới.
vote-none-open = Không có biểu quyết nào đang mở.
vote-closed = Biểu quyết số { $number } đã kết thúc; không nhận thêm phiếu.
vote-probationary = Đảng viên dự bị không biểu quyết nghị quyết của chi bộ.
vote-temporary = Đảng viên sinh hoạt tạm thời biểu quyết ở chi bộ chính thức của mình, không biểu quyết ở đây.
vote-not-present = Chỉ đảng viên có mặt tại cuộc họp mới biểu quyết. Hãy điểm danh trước (nút điểm danh trong nhóm hoặc /diemdanh &lt;mã&gt;).
vote-post =
    <b>Biểu quyết số { $number }</b>
    “{ $text }”
    Đảng viên chính thức có mặt chọn Tán thành hoặc Không tán thành (đến { $until }). Phiếu của mỗi người được giữ kín; chỉ công bố tổng số.
vote-ballot =
    <b>Biểu quyết số { $number }</b>
    “{ $text }”
    Đồng chí chọn Tán thành hoặc Không tán thành (đến { $until }); có thể đổi ý trước khi kết thúc. Phiếu được giữ kín.
vote-opened = Đã mở biểu quyết số { $number } (đến { $until }); phiếu đã gửi riêng cho { $sent } đảng viên có mặt. Kết thúc sớm bằng /ketthucbieuquyet.
vote-status = Biểu quyết số { $number }: “{ $text }” — đã có { $answered } người biểu quyết; kết thúc lúc { $until } hoặc bằng /ketthucbieuquyet.
vote-cast = Đã ghi phiếu biểu quyết số { $number }: { $choice }.
vote-changed = Đã đổi phiếu biểu quyết số { $number } thành: { $choice } (trước đó: { $earlier }).
vote-change-hint = {" "}Muốn đổi ý, chọn lại trước khi kết thúc biểu quyết.
vote-closed-done = { $result }
vote-closed-by-time =
    Biểu quyết đã hết giờ và được kết thúc.
    { $result }
vote-post-closed =
    <b>Đã kết thúc biểu quyết</b>
    { $result }
vote-result-title = <b>Biểu quyết số { $number }:</b> “{ $text }”
vote-result-count = Tán thành: { $yes } · Không tán thành: { $no } · Không biểu quyết: { $silent }
vote-result-base = Tính trên { $called } đảng viên chính thức được triệu tập; cần quá một nửa, tức ít nhất { $needed } phiếu tán thành.
vote-result-left-out = Không tính: { $parts }.
vote-left-out-temporary = { $count } đảng viên sinh hoạt tạm thời
vote-left-out-probationary = { $count } đảng viên dự bị (không biểu quyết)
vote-left-out-exempt = { $count } đảng viên miễn sinh hoạt vắng mặt
vote-result-passed = Kết quả: { $yes }/{ $called } = { $percent }% tán thành → <b>THÔNG QUA</b>.
vote-result-failed = Kết quả: { $yes }/{ $called } = { $percent }% tán thành → <b>KHÔNG THÔNG QUA</b> (chưa quá một nửa).

absence-usage = Cách dùng: /tamvang dd/mm-dd/mm &lt;lý do&gt;, ví dụ /tamvang 20/12-10/01 điều trị tại bệnh viện. Xem các đợt đã báo: /tamvang; hủy: /tamvang huy &lt;số&gt;.
absence-no-reason = Vui lòng ghi lý do tạm vắng, ví dụ /tamvang 20/12-10/01 điều trị tại bệnh viện.
absence-end-before-start = Ngày kết thúc { $last } trước ngày bắt đầu { $first }. Vui lòng kiểm tra lại.
absence-in-past = Đợt tạm vắng kết thúc ngày { $last }, đã qua. Chỉ báo được đợt chưa kết thúc.
absence-too-long = Đợt tạm vắng dài { $days } ngày; mỗi lần báo tối đa { $limit } ngày. Hết đợt có thể báo tiếp.
absence-overlap = Đã có đợt tạm vắng từ { $first } đến { $last } trùng thời gian này. Xem bằng /tamvang, hủy bằng /tamvang huy &lt;số&gt; nếu cần báo lại.
absence-declared = Đã ghi tạm vắng từ { $first } đến { $last } ({ $days } ngày). Các cuộc họp trong thời gian này sẽ ghi là vắng có lý do, và đồng chí không nhận nhắc lịch họp. Nếu vẫn đến họp, đồng chí cứ điểm danh như thường.
absence-declared-for = Đã ghi tạm vắng cho đồng chí { $name } từ { $first } đến { $last } ({ $days } ngày).
absence-none = Không có đợt tạm vắng nào đang hoặc sắp diễn ra.
absence-list =
    <b>Các đợt tạm vắng</b>
    { $lines }
    Hủy một đợt: /tamvang huy &lt;số&gt;.
absence-line = { $number }. { $first } – { $last }: { $reason }
absence-line-named = { $number }. { $name }: { $first } – { $last }: { $reason }
absence-cancel-usage = Cách dùng: /tamvang huy &lt;số&gt; (xem số bằng /tamvang).
absence-no-such = Không có đợt số này (danh sách có { $count } đợt).
absence-cancelled = Đã hủy đợt tạm vắng từ { $first } đến { $last }.
