# Kênh Telegram: lời chào khi bot được thêm vào nhóm.
telegram-added-to-group =
    Xin chào các đồng chí! Bot đã vào nhóm.
    Bí thư hoặc phó bí thư chi bộ hãy gõ /ketnoi trong nhóm này để gắn nhóm với chi bộ (thông báo họp và điểm danh sẽ được gửi vào đây).
    Mỗi đảng viên hãy nhắn riêng cho bot để kết nối tài khoản; gõ /trogiup để xem các lệnh.
