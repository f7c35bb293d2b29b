# Danh sách đảng viên giữ từ khung chat: gửi tệp, xem trước, xác nhận.
upload-not-fetched = Không tải được tệp { $file } (tệp quá lớn hoặc không còn trên máy chủ). Chưa có gì thay đổi.
upload-preview =
    <b>Xem trước tệp { $file }</b> — chưa có gì thay đổi.
    • Thêm vào chi bộ: { $added } { $added_names }
    • Thay đổi (tên, vai trò, trạng thái, tiếp nhận lại): { $changed } { $changed_names }
    • Giữ nguyên: { $unchanged }
    • Chi bộ mới: { $cells }; tổ chức đảng mới: { $committees }; quản trị, theo dõi mới: { $roles }
    • Đang sinh hoạt nhưng không có trong tệp (vẫn giữ nguyên; nếu đã thôi sinh hoạt, dùng /ketthuc): { $missing } { $missing_names }
    Bấm “Xác nhận” trong { $minutes } phút để ghi; danh sách sẽ được đối chiếu lại với dữ liệu lúc đó.
upload-confirm-button = ✅ Xác nhận
upload-cancel-button = ✖ Hủy
upload-outside-cell = Dòng { $line }: “{ $place }” không phải chi bộ của đồng chí; bí thư chỉ cập nhật được danh sách chi bộ mình.
upload-outside-tree = Dòng { $line }: “{ $place }” nằm ngoài các tổ chức đồng chí quản trị.
upload-not-yours = Nút này không phải của đồng chí (hoặc tệp không còn nữa).
upload-closed = Tệp này đã được ghi, đã hủy hoặc đã có tệp mới thay thế.
upload-expired = Đã quá thời hạn xác nhận tệp này. Vui lòng gửi lại tệp.
upload-dropped = Đã hủy tệp { $file }, không có gì thay đổi.
upload-dropped-toast = Đã hủy.
upload-refused-toast = Không ghi được tệp.
upload-applied-toast = Đã ghi danh sách.
upload-applied =
    Đã ghi tệp { $file }: thêm { $added } đảng viên, thay đổi { $changed }; chi bộ mới { $cells }, tổ chức đảng mới { $committees }, quản trị và theo dõi mới { $roles }.
upload-told = Đồng chí { $who } đã cập nhật danh sách chi bộ từ tệp { $file }: thêm { $added } đảng viên, thay đổi { $changed }.
upload-root-admin = quản trị hệ thống
