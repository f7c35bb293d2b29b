# Chung: trợ giúp, lỗi, định dạng.
help-title = <b>Các lệnh của đồng chí</b>
help-line = /{ $vi } (/{ $en }) — { $text }
help-help = danh sách lệnh
help-next = cuộc họp sắp tới và câu trả lời của đồng chí; /lichhop tep: lịch họp cho điện thoại
help-me = tình hình dự họp của đồng chí trong năm

err-not-joined = Đồng chí chưa kết nối với chi bộ. Hãy mở đường link mời hoặc gửi mã mời mà bí thư chi bộ đã gửi cho đồng chí.
err-not-allowed = Lệnh này không dành cho vai trò của đồng chí.
err-secretary-only = Chỉ bí thư hoặc phó bí thư chi bộ mới dùng được lệnh này.
err-private-only = Vui lòng nhắn riêng cho bot để dùng lệnh này.
err-unknown-command = Bot chưa hiểu tin nhắn này. Gõ /trogiup để xem các lệnh.
err-internal = Đã có lỗi khi xử lý yêu cầu, chưa có gì bị thay đổi. Vui lòng thử lại sau.
err-stale-button = Nút này đã hết hiệu lực.
err-bad-number = “{ $text }” không hợp lệ: cần một số từ { $low } đến { $high }.
err-bad-year = Năm “{ $text }” không hợp lệ: cần một năm từ { $low } đến { $high }.
err-bad-date = “{ $text }” không phải ngày hợp lệ. Gõ ngày/tháng, ví dụ 04/12, 04.12, 04-12 hoặc 04/12/2026.
err-no-such-date = Không có ngày { $text }.

next-none = { $cell } chưa có cuộc họp nào được lên lịch.
next-meeting =
    <b>Cuộc họp sắp tới — { $cell }</b>
    Loại: { $kind }
    Thời gian: { $when }
    Địa điểm: { $place }
    Nội dung: { $agenda }
    Trả lời của đồng chí: { $answer }
next-answer-none = chưa trả lời
next-answer-attend = sẽ dự
next-answer-absent = xin vắng ({ $reason })
unknown-place = chưa báo
no-agenda = chưa có

me-record =
    <b>{ $name }</b> — { $cell }
    Vai trò: { $role }; { $status }
    Năm { $year }: { $meetings } cuộc họp đã kết thúc
    Có mặt: { $present }
    Vắng có lý do: { $excused }
    Vắng không lý do: { $unexcused }

fmt-when = { $weekday }, { $date } lúc { $time }
weekday-0 = Thứ Hai
weekday-1 = Thứ Ba
weekday-2 = Thứ Tư
weekday-3 = Thứ Năm
weekday-4 = Thứ Sáu
weekday-5 = Thứ Bảy
weekday-6 = Chủ Nhật

kind-thuong_ky = sinh hoạt thường kỳ
kind-chuyen_de = sinh hoạt chuyên đề
kind-bat_thuong = họp bất thường
role-bi_thu = bí thư
role-pho_bi_thu = phó bí thư
role-chi_uy_vien = chi ủy viên
role-dang_vien = đảng viên
status-chinh_thuc = đảng viên chính thức
status-du_bi = đảng viên dự bị
status-tam_thoi = sinh hoạt tạm thời
status-mien_sinh_hoat = miễn sinh hoạt

err-meeting-in-past = Thời gian họp đã qua. Vui lòng chọn một thời điểm trong tương lai.
err-meeting-overlap = Chi bộ đã có một cuộc họp khác gần thời điểm này. Hãy chọn giờ khác hoặc hủy cuộc họp kia trước.

console-welcome = Xin chào đồng chí { $name }. Gõ /trogiup để xem các lệnh, /thoat để thoát.

next-which =
    Đồng chí sinh hoạt ở nhiều chi bộ có cuộc họp sắp tới:
    { $meetings }
    Đồng chí muốn xem cuộc họp của chi bộ nào?
next-which-button = { $cell } ({ $day })

# Lịch họp trên điện thoại (/lichhop tep, /lichhop moi, /lichhop chibo).
calendar-hint = 📅 Đưa lịch họp vào điện thoại: gõ /lichhop tep
calendar-usage =
    Cách dùng:
    /lichhop — cuộc họp sắp tới
    /lichhop tep — tệp lịch họp (.ics) và đường link lịch riêng của đồng chí
    /lichhop moi — đổi đường link lịch riêng (link cũ ngừng hoạt động)
    /lichhop chibo — lịch của cả chi bộ (bí thư, phó bí thư); /lichhop chibo moi để đổi link
calendar-member-intro = <b>Lịch họp của đồng chí</b>: các cuộc họp của chi bộ đồng chí đang sinh hoạt, có giờ, địa điểm và nội dung.
calendar-cell-intro = <b>Lịch họp của { $cell }</b>: dành cho đảng viên trong chi bộ, đừng chia sẻ ra ngoài.
calendar-member-link =
    Để lịch tự cập nhật khi cuộc họp đổi giờ hoặc bị hủy, đăng ký đường link riêng này trong ứng dụng Lịch (Google Lịch: “Thêm lịch → Từ URL”; iPhone: Cài đặt → Lịch → Tài khoản → Thêm tài khoản → Khác → Thêm lịch đã đăng ký):
    { $link }
    Link này chỉ dành cho đồng chí. Nếu lỡ chia sẻ, gõ /lichhop moi để đổi link.
calendar-cell-link =
    Đường link lịch của chi bộ (đăng ký trong ứng dụng Lịch):
    { $link }
    Nếu link lọt ra ngoài, gõ /lichhop chibo moi để đổi link.
calendar-rotated = Đã đổi link: link cũ không còn hoạt động, hãy đăng ký lại bằng link mới.
calendar-no-address = Máy chủ của bot chưa cấu hình địa chỉ công khai nên chưa có đường link lịch để đổi. Gõ /lichhop tep để nhận tệp lịch.
calendar-no-file = Nền tảng này không gửi được tệp lịch và máy chủ chưa có đường link lịch. Đồng chí hãy dùng lệnh này trên Telegram, hoặc nhờ bí thư chi bộ.
calendar-caption = Tệp lịch họp (.ics): mở tệp để thêm các cuộc họp vào lịch điện thoại.
calendar-summary = Họp chi bộ: { $kind } — { $cell }
calendar-summary-cancelled = [ĐÃ HỦY] Họp chi bộ: { $kind } — { $cell }
calendar-name = Lịch họp chi bộ
calendar-name-cell = Lịch họp — { $cell }
