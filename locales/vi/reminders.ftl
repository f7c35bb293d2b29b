# Nhắc lịch họp: thông báo, nhắc trước ngày họp, hủy, đổi lịch, nhắc lại.
help-cancel = hủy một cuộc họp đã lên lịch và báo cho những người đã nhận nhắc (/huyhop 03/12 lý do)
help-remind = nhắc lại những đồng chí chưa trả lời có dự họp hay không (mỗi giờ một lần)

reminders-nudge =
    ⏰ <b>Nhắc lịch họp — { $cell }</b>
    Chi bộ họp vào { $when } tại { $place }.
    Đồng chí chưa cho biết có dự họp hay không; vui lòng bấm một nút bên dưới.
reminders-soon = ⏰ Còn ít giờ nữa: { $cell } họp lúc { $time } tại { $place }. Kính mời các đồng chí đến đúng giờ.
reminders-tally = 📋 <b>{ $cell }</b> — cuộc họp { $when }: { $attend } đồng chí sẽ dự, { $absent } xin vắng, { $silent } chưa trả lời.
reminders-tally-silent = Chưa trả lời: { $names }
reminders-not-connected = Chưa kết nối với bot (chưa nhắn cho bot lần nào, bot không gửi được): { $names }
reminders-unreachable = Chưa nhận được nhắc: { $names }
reminders-tally-documents = Xin đồng chí phát hành tài liệu cuộc họp cho đảng viên từ hôm nay (trước ít nhất một ngày, theo Hướng dẫn 42-HD/BTCTW).
reminders-open = 🔔 Đến giờ họp của { $cell } ({ $when }). Bấm nút bên dưới để mở điểm danh.
reminders-open-button = Mở điểm danh
reminders-summary = 📝 Cuộc họp { $when } của { $cell } đã kết thúc điểm danh nhưng chưa có tổng kết. Đồng chí gõ /tongket để gửi tổng kết lên cấp ủy.
reminders-cancelled = ❌ <b>Hủy cuộc họp</b> — { $cell } hủy cuộc họp { $when }. Các đồng chí không cần đến dự.
reminders-cancelled-reason = Lý do: { $reason }
reminders-moved = 🔁 <b>Đổi lịch họp</b>: cuộc họp trước đây vào { $previous } được chuyển sang thời gian mới dưới đây.
reminders-undelivered = ⚠️ Bot không gửi được nhắc lịch họp { $when } của { $cell } đến một số người.
reminders-undelivered-group = Không gửi được vào nhóm chat của chi bộ (bot có thể đã bị xóa khỏi nhóm).
reminders-undelivered-hint = Đồng chí vui lòng báo trực tiếp (gọi điện, nhắn tin) cho những người này.
reminders-no-day = ⚠️ Tháng { $month } mọi ngày họp được phép ({ $window }) của { $cell } đều là ngày nghỉ đã cấu hình. Đồng chí hãy chọn ngày khác bằng /datlich.

reminders-cancel-usage = Cách dùng: /huyhop — chọn cuộc họp để hủy; hoặc /huyhop 03/12 [lý do].
reminders-cancel-pick = Chọn cuộc họp cần hủy (những người đã nhận nhắc sẽ được báo):
reminders-cancel-button = Hủy cuộc họp { $day }
reminders-cancel-done = Đã hủy cuộc họp { $when }. Đã báo cho { $count } người hoặc nhóm đã nhận nhắc.
reminders-cancel-not-planned = Chỉ hủy được cuộc họp chưa mở điểm danh; cuộc họp ngày { $day } đã bắt đầu, đã kết thúc hoặc đã bị hủy.
reminders-move-not-planned = Chỉ đổi lịch được cuộc họp chưa bắt đầu.
reminders-reason-too-long = Lý do dài quá { $limit } ký tự. Vui lòng viết ngắn hơn.
reminders-none-on-day = Chi bộ không có cuộc họp nào chưa diễn ra vào ngày { $day }.
reminders-several-on-day = Ngày { $day } chi bộ có nhiều cuộc họp. Gõ /huyhop (không kèm ngày) để chọn đúng cuộc họp.
reminders-remind-usage = Cách dùng: /nhaclai — nhắc cuộc họp sắp tới; hoặc /nhaclai 03/12.
reminders-remind-done = Đã nhắc lại cuộc họp { $when } cho { $count } đồng chí chưa trả lời.
reminders-resend-too-late = Cuộc họp đã bắt đầu hoặc không còn trong lịch, không nhắc lại được nữa.
reminders-resend-wait = Vừa nhắc lại cuộc họp này rồi. Đồng chí có thể nhắc lại sau { $at }.
reminders-resend-nobody = Mọi đảng viên nhận nhắc đều đã trả lời, không cần nhắc lại.

reminders-settle = ⏳ Cuộc họp { $when } của { $cell } đã qua nhưng chưa được điểm danh nên chưa tính là đã họp. Nếu chi bộ đã họp: ghi điểm danh hộ (/diemdanhho { $short } &lt;tên&gt; co|vang) rồi gõ /tongket { $short } để chốt. Nếu không họp: /huyhop { $short }.
