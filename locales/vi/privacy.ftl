# Bảo vệ dữ liệu: kết thúc sinh hoạt, xóa dữ liệu cá nhân, dữ liệu của tôi.
help-endmember = kết thúc sinh hoạt của một đảng viên: /ketthuc &lt;tên hoặc số&gt; &lt;chuyen_di|xoa_ten|tu_tran&gt; [dd/mm/yyyy] [ghi chú] (quản trị thêm “, &lt;chi bộ&gt;”)
help-mydata = nhận toàn bộ dữ liệu bot lưu về đồng chí
help-erase = (quản trị cấp ủy) xóa dữ liệu cá nhân của một người theo yêu cầu: /xoadulieu &lt;mã số&gt;

end-usage =
    Cách dùng: /ketthuc &lt;tên hoặc số thứ tự&gt; &lt;lý do&gt; [ngày dd/mm/yyyy] [ghi chú]
    Lý do: chuyen di (chuyển sinh hoạt đi), xoa ten (xóa tên), tu tran (từ trần), khac (lý do khác).
    Ví dụ: /ketthuc Lê Văn Cường chuyen di 01/11/2026 chuyển về phường Tây Hồ
    Không ghi ngày thì tính từ hôm nay. Gõ /diemdanhho để xem danh sách có số thứ tự.
    Quản trị tổ chức đảng ghi thêm tên chi bộ ở cuối, sau dấu phẩy: /ketthuc Lê Văn Cường tu_tran 01/11/2026, Chi bộ Tổ 1
end-told = Đồng chí { $who } đã ghi: đồng chí { $name } thôi sinh hoạt tại { $cell } từ ngày { $date } ({ $reason }).
end-done = Đã ghi: đồng chí { $name } thôi sinh hoạt tại { $cell } từ ngày { $date } ({ $reason }). Lịch sử dự họp và ý kiến được giữ nguyên; từ ngày đó đồng chí không còn được tính, nhắc họp hay mời.
end-ambiguous = Có nhiều người cùng tên “{ $name }”. Vui lòng dùng số thứ tự (gõ /diemdanhho để xem).
end-did-you-mean = Không có ai tên đúng là “{ $name }”. Có phải: { $names }? Vui lòng gõ đúng họ tên có dấu hoặc dùng số thứ tự.
end-future = Ngày kết thúc { $date } chưa tới. Hãy ghi vào đúng ngày đó hoặc sau đó.
end-already = Đồng chí { $name } đã thôi sinh hoạt tại chi bộ từ trước.
end-reason-chuyen_di = chuyển sinh hoạt đi
end-reason-xoa_ten = xóa tên
end-reason-tu_tran = từ trần
end-reason-khac = lý do khác

erase-admin-only = Chỉ quản trị viên của cấp ủy mới xóa được dữ liệu cá nhân.
erase-usage = Cách dùng: /xoadulieu &lt;mã số&gt; (hoặc &lt;họ tên&gt; để tìm mã số). Bot sẽ cho xem những gì bị xóa và cách xác nhận.
erase-no-name = Không có ai tên “{ $name }”.
erase-candidates = Người tên “{ $name }”: { $people }. Gõ /xoadulieu &lt;mã số&gt; để xem trước khi xóa.
erase-unknown = Không có người nào mang mã số { $id }.
erase-already = Dữ liệu của người mang mã số { $id } đã được xóa trước đây.
erase-preview =
    <b>Xóa dữ liệu cá nhân của #{ $id } — { $name }</b>
    Chi bộ: { $cells }
    Sẽ xóa: họ tên, số điện thoại, { $accounts } tài khoản chat, { $reasons } lý do vắng, nội dung { $opinions } ý kiến, yêu cầu tham gia và mã mời.
    Giữ lại: số lần có mặt/vắng (để số liệu các cuộc họp không đổi).
    Không thể hoàn tác. Để xóa, gõ: /xoadulieu { $id } xacnhan
erase-done = Đã xóa dữ liệu cá nhân của người mang mã số { $id }. Việc xóa đã được ghi vào nhật ký.
erase-placeholder = Đảng viên #{ $id } (đã xóa)
erase-opinion-text = (nội dung đã xóa)

mydata-caption = Toàn bộ dữ liệu bot lưu về đồng chí (JSON): { $memberships } nơi sinh hoạt, { $attendance } cuộc họp, { $opinions } ý kiến, { $audit } lần được người khác thay đổi.
mydata-text =
    <b>Dữ liệu bot lưu về đồng chí { $name }</b>
    Nơi sinh hoạt: { $memberships }
    Cuộc họp có ghi nhận: { $attendance }
    Ý kiến: { $opinions }
    Lần được người khác thay đổi (nhật ký): { $audit }
    Zalo không gửi được tệp. Để nhận tệp đầy đủ, hãy gõ /dulieucuatoi trên Telegram, hoặc đề nghị bí thư chi bộ.
