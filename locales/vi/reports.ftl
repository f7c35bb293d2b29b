# Báo cáo: tổng kết gửi cấp ủy, chấm điểm, báo cáo tuần, xuất tệp.
help-summary = gửi bản tổng kết cuộc họp lên cấp ủy ([ngày/tháng])
help-score = chấm điểm cuộc họp theo thang điểm hoặc "Chi bộ bốn tốt"
help-digest = báo cáo các chi bộ đồng chí theo dõi
help-export = xuất sổ điểm danh (.xlsx) và dự thảo biên bản (.docx)

reports-none = không có
reports-no-meeting-on = Chi bộ không có cuộc họp nào ngày { $day }.
reports-no-meeting-held = Chi bộ chưa có cuộc họp nào đã diễn ra.
reports-meeting-future = Cuộc họp ngày { $day } chưa diễn ra nên chưa tổng kết hay chấm điểm được.
reports-checkin-open = Cuộc họp ngày { $day } đang mở điểm danh. Đồng chí đóng điểm danh (/dongdiemdanh) rồi làm lại.
reports-checkin-not-closed = Cuộc họp ngày { $day } chưa được chốt điểm danh. Nếu đang họp: mở và đóng điểm danh (/modiemdanh, /dongdiemdanh). Nếu đã họp mà chưa điểm danh: ghi điểm danh hộ (/diemdanhho { $short } &lt;tên&gt; co|vang) rồi gõ /tongket { $short } để chốt. Nếu không họp: /huyhop { $short }.

# Tổng kết
reports-summary-title = <b>TỔNG KẾT SINH HOẠT — { $cell }</b>
reports-summary-meeting = { $when } — { $kind }
reports-summary-place = Địa điểm: { $place }
reports-summary-agenda = Nội dung: { $agenda }
reports-summary-attendance = <b>Dự họp: { $present }/{ $counted } đồng chí ({ $percent }%)</b>
reports-summary-kinds = Có mặt: chính thức { $full }/{ $full_total }, dự bị { $probationary }/{ $probationary_total }, sinh hoạt tạm thời { $temporary }/{ $temporary_total }
reports-summary-exempt = Miễn sinh hoạt: { $total } đồng chí, không tính vào tỷ lệ (có mặt { $present })
reports-summary-present = <b>Có mặt ({ $count }):</b>
reports-summary-excused = <b>Vắng có lý do ({ $count }):</b>
reports-summary-excused-line = • { $name }: { $reason }
reports-summary-unexcused = <b>Vắng không lý do ({ $count }):</b>
reports-summary-silent = <b>Không trả lời thông báo và không đến ({ $count }):</b>
reports-summary-opinions = <b>Ý kiến ({ $count }):</b>
reports-summary-opinion = • { $name }: { $text }
reports-summary-opinion-anonymous = • { $text }
reports-summary-score = <b>Điểm:</b> { $total }/{ $max }, xếp loại { $rating } ({ $parts })
reports-summary-score-adjusted = Điểm tỷ lệ dự họp đã điều chỉnh: { $reason }
reports-summary-bontot = <b>Chi bộ bốn tốt:</b> { $rating } ({ $met }/{ $count } tiêu chí)
reports-summary-no-score = <b>Điểm:</b> chưa chấm
reports-summary-posted = Đã gửi bản tổng kết cuộc họp ngày { $day } lên nhóm cấp ủy.
reports-summary-updated = Đã sửa lại bản tổng kết cuộc họp ngày { $day } trong nhóm cấp ủy (không gửi thêm bản mới).
reports-summary-replaced = <i>Bản tổng kết này thay thế bản đã gửi trước đó.</i>
reports-summary-part-gone = <i>(Phần này không còn trong bản tổng kết mới.)</i>
reports-summary-no-committee = Chưa kết nối nhóm chat của cấp ủy nên bản tổng kết cuộc họp ngày { $day } chỉ gửi cho đồng chí. Cách kết nối: thêm bot vào nhóm của cấp ủy, rồi quản trị viên của bot gõ trong nhóm đó: /ketnoi capuy { $committee }
reports-summary-in-group = Đã gửi bản tổng kết cuộc họp ngày { $day } lên cấp ủy; nội dung chi tiết đã nhắn riêng cho đồng chí { $name }.
reports-anonymous-on = Từ nay ý kiến trong bản tổng kết gửi cấp ủy không kèm tên người phát biểu.
reports-anonymous-off = Từ nay ý kiến trong bản tổng kết gửi cấp ủy kèm tên người phát biểu.
reports-anonymous-usage = Cách dùng: /tongket andanh bat (ẩn tên người phát biểu) hoặc /tongket andanh tat.

# Cảnh báo
reports-warn-title = <b>⚠️ Cảnh báo</b>
reports-warn-low = • Tỷ lệ dự họp { $percent }%, không vượt mức 85% (Hướng dẫn 12-HD/BTCTW).
reports-warn-unexcused = • { $count } đồng chí vắng không lý do: { $names }.
reports-warn-streak = • { $name } vắng có lý do { $count } cuộc họp liên tiếp trong năm { $year }.
reports-warn-removal = • Xem xét xóa tên: { $name } vắng không lý do { $count } lần trong năm { $year } (Quy định 294-QĐ/TW).
reports-warn-unreachable = • Bot không gửi được tin nhắn tới: { $names }.

# Chấm điểm
reports-part-chuan_bi = chuẩn bị
reports-part-ty_le_du_hop = tỷ lệ dự họp
reports-part-dien_bien = tiến hành
reports-part-ket_thuc = kết thúc
reports-rating-tot = tốt
reports-rating-kha = khá
reports-rating-trung_binh = trung bình
reports-rating-kem = kém
reports-rating-dat = đạt
reports-rating-chua_dat = chưa đạt
reports-bontot-lanh_dao = lãnh đạo thực hiện tốt nhiệm vụ chính trị
reports-bontot-chat_luong = sinh hoạt có chất lượng tốt
reports-bontot-doan_ket = đoàn kết, kỷ luật tốt
reports-bontot-can_bo = cán bộ, đảng viên tốt
reports-score-part = • { $part } ({ $label }): tối đa { $max }
reports-score-rubric-help =
    <b>Chấm điểm cuộc họp { $date }</b> (thang { $total } điểm)
    { $parts }
    Điểm tỷ lệ dự họp bot đề xuất: <b>{ $proposed }/{ $max }</b> (dự họp { $percent }%).
    Cách chấm: /chamdiem { $example }
    Muốn sửa điểm tỷ lệ dự họp, ghi thêm điểm và lý do, ví dụ: /chamdiem { $example } { $attendance_key }={ $proposed } lý do ...
reports-score-bontot-help =
    <b>Tự đánh giá "Chi bộ bốn tốt" — cuộc họp { $date }</b>
    { $criteria }
    Cách chấm: /chamdiem co co co khong (đúng thứ tự bốn tiêu chí trên)
reports-score-criterion = { $number }. { $label }
reports-score-recorded = Đã ghi điểm cuộc họp { $date }: <b>{ $total }/{ $max }</b>, xếp loại <b>{ $rating }</b> ({ $parts }).
reports-score-bontot-recorded = Đã ghi tự đánh giá "Chi bộ bốn tốt" cuộc họp { $date }: <b>{ $rating }</b> ({ $met }/{ $count } tiêu chí).
reports-score-unknown-part = Không có mục "{ $part }" trong thang điểm. Các mục: { $parts }.
reports-score-out-of-range = Điểm mục { $part } là { $points }, phải từ 0 đến { $max }. Chưa ghi gì.
reports-score-missing = Còn thiếu điểm các mục: { $parts }. Chưa ghi gì.
reports-score-count = Cần { $count } số điểm theo thứ tự { $parts } (hoặc viết mục=điểm). Chưa ghi gì.
reports-score-mixed = Hãy ghi điểm cùng một kiểu: toàn số theo thứ tự, hoặc toàn mục=điểm. Chưa ghi gì.
reports-score-reason-needed = Bot đề xuất { $proposed } điểm tỷ lệ dự họp; muốn ghi { $given } điểm thì cần ghi lý do sau điểm. Chưa ghi gì.
reports-score-reason-too-long = Lý do quá dài (tối đa { $limit } ký tự). Chưa ghi gì.
reports-bontot-count = Cần đúng { $count } câu trả lời có/không, theo thứ tự bốn tiêu chí. Chưa ghi gì.
reports-bontot-word = "{ $word }" không phải có/không. Chưa ghi gì.
reports-score-mode-unknown = Cách dùng: /chamdiem kieu diem (thang điểm) hoặc /chamdiem kieu bontot (Chi bộ bốn tốt).
reports-score-mode-rubric = Từ nay chi bộ chấm điểm cuộc họp theo thang { $total } điểm.
reports-score-mode-bontot = Từ nay chi bộ tự đánh giá cuộc họp theo "Chi bộ bốn tốt".
reports-score-wrong-mode = Chi bộ đang tự đánh giá theo "Chi bộ bốn tốt": trả lời có/không cho bốn tiêu chí, hoặc đổi cách chấm bằng /chamdiem kieu diem.

# Báo cáo tuần
reports-digest-title = <b>BÁO CÁO SINH HOẠT CHI BỘ — { $scope }</b>
reports-digest-date = Ngày { $date }, { $count } chi bộ.
reports-digest-scope-mine = các chi bộ đồng chí theo dõi
reports-digest-line = <b>{ $cell }</b>: họp { $last } · dự { $percent }% { $trend } · { $opinions } ý kiến · { $score } · lần tới { $next }
reports-digest-line-never = <b>{ $cell }</b>: chưa có cuộc họp nào diễn ra · lần tới { $next }
reports-digest-unscored = chưa chấm điểm
reports-digest-no-next = chưa có lịch
reports-digest-idle = <b>Chưa họp và chưa có lịch họp tháng { $month } ({ $count }):</b> { $cells }
reports-digest-all-active = Tất cả các chi bộ đã họp hoặc có lịch họp trong tháng { $month }.
reports-digest-warn-cell = <b>⚠️ { $cell }</b>
reports-digest-no-warnings = Không có cảnh báo.
reports-digest-chart-title = Tỷ lệ dự họp 6 tháng gần đây (%)
reports-digest-chart-average = Trung bình
reports-digest-chart-bar = Mức 85%
reports-digest-chart-caption = Tỷ lệ dự họp 6 tháng gần đây của { $count } chi bộ.
reports-digest-chart-caption-lowest = Tỷ lệ dự họp 6 tháng gần đây: { $shown } chi bộ thấp nhất trong { $count } chi bộ, và mức trung bình.
reports-digest-none = Đồng chí chưa được phân công theo dõi chi bộ nào.
reports-digest-admin-usage = Đồng chí chưa theo dõi chi bộ nào. Là quản trị viên, đồng chí có thể gõ /baocao tên đảng bộ. Các đảng bộ: { $known }
reports-digest-admin-only = Chỉ quản trị viên mới xem được báo cáo của cả một đảng bộ. Gõ /baocao để xem các chi bộ đồng chí theo dõi.
reports-committee-unknown = Không tìm thấy đảng bộ "{ $name }". Các đảng bộ: { $known }

# Xuất tệp
reports-export-sent = Sổ điểm danh năm { $year } và dự thảo biên bản cuộc họp { $date } của { $cell }.
reports-export-register-caption = Sổ điểm danh năm { $year } — { $cell }
reports-export-minutes-caption = Dự thảo biên bản cuộc họp { $date } — { $cell }
reports-export-usage = "{ $text }" không hợp lệ. Cách dùng: /xuatfile [năm] [ngày/tháng], ví dụ /xuatfile 2026 04/11.
reports-export-no-meetings = { $cell } không có cuộc họp nào đã diễn ra trong năm { $year }.
reports-cell-unknown = Không tìm thấy chi bộ "{ $name }".
reports-cell-ambiguous = Có nhiều chi bộ tên "{ $name }": { $known }. Hãy ghi rõ hơn.
reports-xlsx-sheet = Điểm danh { $year }
reports-xlsx-title = SỔ ĐIỂM DANH SINH HOẠT CHI BỘ — { $cell } — NĂM { $year }
reports-xlsx-number = STT
reports-xlsx-name = Họ và tên
reports-xlsx-status = Loại đảng viên
reports-xlsx-present = Có mặt
reports-xlsx-excused = Vắng có lý do
reports-xlsx-unexcused = Vắng không lý do
reports-xlsx-rate = Tỷ lệ dự họp (%)
reports-xlsx-mark-present = x
reports-xlsx-mark-excused = P: { $reason }
reports-xlsx-mark-unexcused = K
reports-xlsx-mark-exempt = M
reports-xlsx-total-present = Có mặt / triệu tập
reports-xlsx-total-rate = Tỷ lệ (%)
reports-xlsx-legend = Ký hiệu: x có mặt; P vắng có lý do (kèm lý do); K vắng không lý do; M miễn sinh hoạt, vắng (không tính vào tỷ lệ).
reports-docx-party = ĐẢNG CỘNG SẢN VIỆT NAM
reports-docx-committee = { $committee }
reports-docx-cell = { $cell }
reports-docx-title = BIÊN BẢN SINH HOẠT CHI BỘ
reports-docx-kind = ({ $kind })
reports-docx-when = Thời gian: { $time }, ngày { $date }
reports-docx-place = Địa điểm: { $place }
reports-docx-chair = Chủ trì: ....................................
reports-docx-secretary = Thư ký: ....................................
reports-docx-attendance-heading = I. Tình hình đảng viên dự họp
reports-docx-totals = Tổng số đảng viên: { $total } (chính thức { $full }, dự bị { $probationary }, sinh hoạt tạm thời { $temporary }); miễn sinh hoạt: { $exempt }.
reports-docx-present = Có mặt: { $present }/{ $counted } đồng chí phải dự họp ({ $percent }%): chính thức { $full }, dự bị { $probationary }, sinh hoạt tạm thời { $temporary }; miễn sinh hoạt có mặt { $exempt }.
reports-docx-excused = Vắng có lý do: { $count } đồng chí.
reports-docx-excused-line = { $name }: { $reason }
reports-docx-unexcused = Vắng không lý do: { $count } đồng chí.
reports-docx-name-line = { $name }
reports-docx-agenda-heading = II. Nội dung sinh hoạt
reports-docx-opinions-heading = III. Ý kiến phát biểu
reports-docx-opinion-line = Đồng chí { $name }: { $text }
reports-docx-conclusion-heading = IV. Kết luận
reports-docx-score-heading = V. Chấm điểm, xếp loại
reports-docx-blank = ..........................................................................................
reports-docx-sign-chair = CHỦ TRÌ
reports-docx-sign-secretary = THƯ KÝ

reports-settled-now = Đã chốt điểm danh cuộc họp ngày { $day } theo các lượt điểm danh hộ; ai chưa được ghi tính vắng (có lý do nếu đã xin vắng).
help-rollup = tổng hợp tháng của tổ chức đảng đồng chí quản trị hoặc theo dõi (/tonghop tên để xem một cấp dưới; /tonghop tep để nhận tệp Excel)
rollup-title = <b>TỔNG HỢP THÁNG { $month } — { $name }</b>
rollup-line = • { $name }: { $cells } chi bộ · đã họp { $held } · sắp họp { $planned } · chưa họp { $missing } · dự họp { $attendance } · cảnh báo { $warnings } · điểm TB { $score } · dùng bot { $on_bot }/{ $members } đảng viên
rollup-empty = Chưa có chi bộ nào trực thuộc.
rollup-missing = Chưa họp và chưa có lịch ({ $count }): { $names }
rollup-unsent = Đã họp nhưng chưa gửi tổng kết ({ $count }): { $names }
rollup-more = { $shown } và { $more } chi bộ khác
rollup-drill = Gõ /tonghop tên một tổ chức ở trên để xem chi tiết.
rollup-usage = Hãy gõ /tonghop kèm tên tổ chức. Các tổ chức của đồng chí: { $known }
rollup-unknown = Không tìm thấy tổ chức “{ $name }” trong phạm vi của đồng chí. Các tổ chức: { $known }
rollup-files-sent = Gửi đồng chí bảng tổng hợp tháng { $month } và sổ điểm danh cả năm của { $name }.
rollup-files-unsupported = Nền tảng này chưa gửi được tệp; hãy gõ /tonghop tep trên Telegram.
rollup-file-month = Tổng hợp tháng { $month }: mỗi chi bộ một dòng
rollup-file-year = Tỷ lệ dự họp năm { $year } của từng chi bộ theo tháng
rollup-xlsx-sheet = Tổng hợp { $month }
rollup-xlsx-title = TỔNG HỢP SINH HOẠT CHI BỘ THÁNG { $month } — { $name }
rollup-xlsx-year-title = TỶ LỆ DỰ HỌP NĂM { $year } — { $name }
rollup-xlsx-child = Trực thuộc
rollup-xlsx-cell = Chi bộ
rollup-xlsx-held = Đã họp
rollup-xlsx-planned = Sắp họp
rollup-xlsx-missing = Chưa họp
rollup-xlsx-present = Có mặt
rollup-xlsx-expected = Triệu tập
rollup-xlsx-rate = Tỷ lệ dự họp (%)
rollup-xlsx-warnings = Cảnh báo
rollup-xlsx-score = Điểm TB
rollup-xlsx-on-bot = Dùng bot
rollup-xlsx-members = Đảng viên
rollup-xlsx-unsent = Chưa gửi tổng kết
rollup-xlsx-total = Tổng cộng
rollup-xlsx-month = T{ $month }
