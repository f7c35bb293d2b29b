# Trả lời, điểm danh, ý kiến, lịch họp.
help-absent = xin vắng cuộc họp tới, kèm lý do: /vang [ngày/tháng] &lt;lý do&gt; (ghi ngày khi sinh hoạt ở hai chi bộ)
help-checkin = điểm danh bằng mã đọc tại cuộc họp: /diemdanh &lt;mã&gt;
help-opinion = gửi ý kiến: /ykien &lt;nội dung&gt;; /ykien để xem; /ykien xoa &lt;số&gt; để rút
help-schedule = đặt lịch: /datlich dd/mm HH:MM [địa điểm]; /datlich hangthang &lt;ngày&gt; HH:MM; /datlich chuyende dd/mm HH:MM &lt;chủ đề&gt;
help-agenda = nội dung cuộc họp tới: /noidung &lt;nội dung&gt;
help-opencheckin = mở điểm danh (/modiemdanh ma: bắt buộc nhập mã)
help-closecheckin = đóng điểm danh và chốt danh sách (/dongdiemdanh ngày/tháng: chốt cuộc họp đã qua)
help-mark = điểm danh hộ: /diemdanhho [ngày/tháng] &lt;tên hoặc số&gt; co|vang [lý do]

err-no-meeting = Chi bộ chưa có cuộc họp nào sắp diễn ra.
err-group-not-linked = Nhóm này chưa được gắn với chi bộ nào. Bí thư chi bộ gõ /ketnoi trong nhóm để gắn.
err-not-your-cell = Đồng chí không thuộc chi bộ của cuộc họp này.
err-other-cell = Đồng chí không phụ trách chi bộ này.

announce-text =
    📢 <b>Thông báo sinh hoạt chi bộ — { $cell }</b>
    Loại: { $kind }
    Thời gian: { $when }
    Địa điểm: { $place }
    Nội dung: { $agenda }
    Đồng chí vui lòng xác nhận có dự họp hay không.
rsvp-button-yes = Sẽ dự
rsvp-button-no = Xin vắng
rsvp-yes-done = Đã ghi nhận: đồng chí sẽ dự cuộc họp ngày { $day }.
rsvp-no-ask-toast = Vui lòng nhắn lý do vắng cho bot.
rsvp-no-ask = Đồng chí xin vắng cuộc họp ngày { $day }. Vui lòng gửi lý do trong tin nhắn tiếp theo (hoặc gõ /vang &lt;lý do&gt;).
rsvp-too-late = Cuộc họp ngày { $day } đã bắt đầu; không thể thay đổi câu trả lời nữa. Vui lòng báo trực tiếp bí thư chi bộ.
absent-usage = Vui lòng ghi rõ lý do: /vang &lt;lý do&gt;, ví dụ /vang đi công tác.
absent-reason-missing = Vui lòng ghi rõ lý do vắng.
absent-reason-too-long = Lý do quá dài (tối đa { $limit } ký tự).
absent-done = Đã ghi nhận đồng chí xin vắng có lý do cuộc họp ngày { $day } của { $cell }. Lý do chỉ bí thư chi bộ và cấp ủy được xem.

checkin-button = Có mặt
checkin-post =
    🟢 <b>Điểm danh cuộc họp chi bộ</b>
    Bấm “Có mặt” khi đã đến phòng họp.
    { $counter }
checkin-post-code-hint = {""}
    Chi bộ yêu cầu nhập mã đọc tại phòng họp: nhắn riêng cho bot /diemdanh &lt;mã&gt;.
checkin-post-closed =
    ⚪ <b>Đã kết thúc điểm danh</b>
    { $counter }
checkin-counter = Có mặt { $present }/{ $counted }
checkin-counter-closed = Có mặt { $present }/{ $counted }
checkin-counter-exempt = {" "}(và { $exempt } đồng chí miễn sinh hoạt)
checkin-opened = Đã mở điểm danh cuộc họp ngày { $day } trong { $minutes } phút. Mã điểm danh: <b>{ $code }</b> (đọc tại phòng họp cho ai điểm danh bằng mã).
checkin-opened-code = Đã mở điểm danh cuộc họp ngày { $day } trong { $minutes } phút, bắt buộc nhập mã. Mã: <b>{ $code }</b> — đọc tại phòng họp; đảng viên nhắn /diemdanh { $code } cho bot.
checkin-opened-toast = Đã mở điểm danh.
checkin-no-group = {""}
    Chi bộ chưa gắn nhóm chat nên chưa có nút điểm danh chung; đảng viên điểm danh bằng mã. Gõ /ketnoi trong nhóm của chi bộ để gắn.
checkin-already-open = Điểm danh đang mở. Mã: { $code }
checkin-meeting-over = Cuộc họp ngày { $day } đã kết thúc hoặc đã bị hủy.
checkin-too-early = Chưa đến giờ: chỉ mở điểm danh được trong vòng 2 giờ trước giờ họp (cuộc họp ngày { $day }).
checkin-not-started = Cuộc họp ngày { $day } chưa bắt đầu nên chưa thể đóng điểm danh.
checkin-open-usage = Cú pháp: /modiemdanh hoặc /modiemdanh ma (bắt buộc nhập mã).
checkin-usage = Vui lòng gửi kèm mã đọc tại phòng họp: /diemdanh &lt;mã&gt;.
checkin-needs-code = Chi bộ yêu cầu nhập mã: nhắn riêng cho bot /diemdanh &lt;mã đọc tại phòng họp&gt;.
checkin-closed = Điểm danh chưa mở hoặc đã đóng. Nếu đồng chí có mặt, vui lòng báo bí thư chi bộ.
checkin-done = Đã điểm danh. Cảm ơn đồng chí!
checkin-already = Đồng chí đã điểm danh cuộc họp ngày { $day }.
checkin-wrong-code = Mã không đúng. Vui lòng kiểm tra mã đọc tại phòng họp.
checkin-locked = Đồng chí đã nhập sai mã nhiều lần. Vui lòng báo bí thư chi bộ để được điểm danh.
checkin-closed-done = Đã đóng điểm danh cuộc họp ngày { $day }. { $counter }. Ai không điểm danh và không báo lý do được ghi là vắng không lý do.

mark-usage =
    Cú pháp: /diemdanhho &lt;tên hoặc số&gt; co|vang [lý do]
    Danh sách chi bộ:
    { $roster }
mark-roster-line = { $number }. { $name }
mark-no-number = Không có số thứ tự này; danh sách có { $count } người.
mark-no-name = Không tìm thấy “{ $name }” trong chi bộ. Gõ /diemdanhho để xem danh sách có số thứ tự.
mark-ambiguous = Có nhiều người khớp với “{ $name }”. Vui lòng dùng số thứ tự (gõ /diemdanhho để xem).
mark-cancelled = Cuộc họp ngày { $day } đã bị hủy.
mark-present-done = Đã ghi { $name } có mặt (cuộc họp ngày { $day }).
mark-excused-done = Đã ghi { $name } vắng có lý do (cuộc họp ngày { $day }).
mark-unexcused-done = Đã ghi { $name } vắng không lý do (cuộc họp ngày { $day }).

opinion-added = Đã nhận ý kiến của đồng chí (đồng chí có { $count } ý kiến cho cuộc họp ngày { $day }). Gõ /ykien để xem lại.
opinion-none = Đồng chí chưa gửi ý kiến nào cho cuộc họp ngày { $day }. Gửi: /ykien &lt;nội dung&gt;.
opinion-list =
    <b>Ý kiến của đồng chí — cuộc họp ngày { $day }</b>
    { $opinions }
    Rút một ý kiến: /ykien xoa &lt;số&gt;
opinion-line = { $number }. { $text }
opinion-empty = Vui lòng ghi nội dung ý kiến: /ykien &lt;nội dung&gt;.
opinion-too-long = Ý kiến dài { $length } ký tự; tối đa { $limit } ký tự. Vui lòng rút gọn.
opinion-too-many = Đồng chí đã có { $limit } ý kiến cho cuộc họp này, mức tối đa. Muốn gửi ý kiến mới, hãy rút bớt một ý kiến trước (/ykien xoa &lt;số&gt;, xem số bằng /ykien).
opinion-meeting-over = Cuộc họp đã kết thúc; không nhận thêm ý kiến.
opinion-no-such = Không có ý kiến số này (đồng chí có { $count } ý kiến).
opinion-withdraw-usage = Cú pháp: /ykien xoa &lt;số&gt; (xem số bằng /ykien).
opinion-withdrawn = Đã rút ý kiến số { $number } (cuộc họp ngày { $day }).

schedule-usage =
    Cú pháp:
    /datlich dd/mm[/yyyy] HH:MM [địa điểm]
    /datlich hangthang &lt;ngày&gt; HH:MM [địa điểm]
    /datlich chuyende dd/mm HH:MM &lt;chủ đề&gt;
schedule-bad-time = “{ $text }” không phải giờ (dùng HH:MM, ví dụ 19:30).
schedule-thematic-topic = Vui lòng ghi chủ đề: /datlich chuyende dd/mm HH:MM &lt;chủ đề&gt;.
schedule-place-too-long = Địa điểm quá dài (tối đa { $limit } ký tự).
schedule-done = Đã đặt lịch họp.
schedule-no-group = Chi bộ chưa gắn nhóm chat nên thông báo chưa được gửi vào nhóm. Gõ /ketnoi trong nhóm của chi bộ.
schedule-monthly-usage = Cú pháp: /datlich hangthang &lt;ngày&gt; HH:MM [địa điểm], ví dụ /datlich hangthang 4 19:30 Nhà văn hóa.
schedule-monthly-day = Ngày { $day } không hợp lệ: chọn từ 1 đến 28 để tháng nào cũng có.
schedule-monthly-outside = Ngày { $day } nằm ngoài khung ngày họp của cấp ủy ({ $window }). Gõ “có” để vẫn đặt ngày này, hoặc gửi lại lệnh với ngày khác.
schedule-monthly-kept = Đã giữ nguyên lịch hằng tháng cũ.
schedule-monthly-done =
    Đã đặt lịch họp hằng tháng: ngày { $day } lúc { $time }, tại { $place }.
    Các cuộc họp đã lên lịch: { $planned }
schedule-monthly-none-planned = chưa có (các ngày tới đều đã có lịch hoặc bị trùng)
schedule-time-gap = Ngày { $date } không có giờ { $time } ở múi giờ { $zone }: đồng hồ được vặn nhanh lên (chuyển giờ mùa hè), giờ sớm nhất sau đó là { $first }. Vui lòng đặt lại với giờ khác, ví dụ { $first }.
schedule-time-ambiguous = Ngày { $date }, giờ { $time } ở múi giờ { $zone } diễn ra hai lần vì đồng hồ được vặn lùi lại (hết giờ mùa hè). Vui lòng chọn giờ khác để không ai hiểu nhầm.
schedule-monthly-gap = Lưu ý: ngày { $date } không có giờ { $wanted } (đồng hồ được vặn nhanh lên), nên cuộc họp ngày đó đặt lúc { $real }.
schedule-monthly-ambiguous = Lưu ý: ngày { $date }, giờ { $wanted } diễn ra hai lần (đồng hồ được vặn lùi lại); cuộc họp đặt vào lần đầu ({ $real } giờ UTC{ $offset }).
agenda-usage = Cú pháp: /noidung &lt;nội dung cuộc họp&gt;.
agenda-too-long = Nội dung quá dài (tối đa { $limit } ký tự).
agenda-done = Đã cập nhật nội dung cuộc họp ngày { $day }: { $agenda }

# Cuộc họp đã qua mà chưa chốt; đảng viên sinh hoạt ở hai chi bộ.
meeting-none-on-day = Không có cuộc họp nào (chưa bị hủy) vào ngày { $day }.
meeting-choice-line = • { $cell }: { $when }
absent-which =
    Đồng chí có cuộc họp sắp tới ở nhiều chi bộ:
    { $meetings }
    Đồng chí xin vắng cuộc họp nào? Bấm nút bên dưới rồi gửi lý do, hoặc gõ ngày của cuộc họp trước lý do, ví dụ: /vang { $first } { $example }
absent-which-button = Xin vắng: { $cell } ({ $day })
checkin-code-done = Đã điểm danh cuộc họp ngày { $day } của { $cell }. Cảm ơn đồng chí!
checkin-close-usage = Cách dùng: /dongdiemdanh, hoặc /dongdiemdanh ngày/tháng để chốt một cuộc họp đã qua mà chưa điểm danh.
checkin-no-free-code = Đang có quá nhiều cuộc họp mở điểm danh cùng lúc; vui lòng thử lại sau ít phút.
mark-settle-hint = Cuộc họp ngày { $day } chưa được chốt. Ghi xong điểm danh hộ, đồng chí gõ /tongket { $short } để chốt và gửi tổng kết (ai chưa được ghi sẽ tính vắng không lý do), hoặc /huyhop { $short } nếu chi bộ không họp.
