# Zalo: lựa chọn đánh số thay cho nút bấm, và tin nhắn không phải chữ.
zalo-choices-title = Nhắn số để chọn:
zalo-choice-line = { $number }. { $label }
zalo-choices-reason-hint = Xin vắng thì nhắn { $number } kèm lý do, ví dụ: { $number } bận công tác
zalo-command-line = { $label }: gõ { $command }
choices-none = Không có câu hỏi nào đang chờ câu trả lời bằng số này: câu hỏi đã được trả lời, đã hết hạn, hoặc cuộc họp đã bắt đầu hay bị hủy. Bot không thay đổi gì. Gõ /trogiup để xem các lệnh.
choices-which = Đồng chí muốn trả lời tin nhắn nào? Vui lòng nhắn số: { $options }.
zalo-text-only = Bot chỉ đọc được tin nhắn chữ. Nhắn trogiup để xem các lệnh.
