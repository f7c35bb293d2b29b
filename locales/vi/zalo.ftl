# Zalo: lựa chọn đánh số thay cho nút bấm, và tin nhắn không phải chữ.
zalo-choices-title = Nhắn số để chọn:
zalo-choice-line = { $number }. { $label }
zalo-choices-reason-hint = Xin vắng thì nhắn { $number } kèm lý do, ví dụ: { $number } bận công tác
zalo-text-only = Bot chỉ đọc được tin nhắn chữ. Nhắn trogiup để xem các lệnh.
