# Danh sách đảng viên giữ từ khung chat: gửi tệp, xem trước, xác nhận.
upload-not-fetched = Không tải được tệp { $file } (tệp quá lớn hoặc không còn trên máy chủ). Chưa có gì thay đổi.
upload-too-big = Tệp quá lớn: tối đa { $max_mb } MB (giới hạn tải tệp của Telegram). Chưa có gì thay đổi.
upload-preview =
    <b>Xem trước tệp { $file }</b> — chưa có gì thay đổi.
    • Thêm vào chi bộ: { $added }{ $added_names }
    • Thay đổi (tên, vai trò, trạng thái, tiếp nhận lại): { $changed }{ $changed_names }
    • Giữ nguyên: { $unchanged }
    • Chi bộ mới: { $cells }; tổ chức đảng mới: { $committees }; quản trị, theo dõi mới: { $roles }
    • Đang sinh hoạt nhưng không có trong tệp (vẫn giữ nguyên; nếu đã thôi sinh hoạt, dùng /ketthuc): { $missing }{ $missing_names }
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

# Thêm, chuyển, đổi trạng thái một đảng viên bằng lệnh.
help-addmember = thêm một đảng viên vào chi bộ: /themdangvien &lt;họ tên&gt; [du_bi|chinh_thuc] (quản trị thêm “, &lt;chi bộ&gt;”)
help-transfer = chuyển sinh hoạt một đảng viên sang chi bộ khác: /chuyen &lt;tên hoặc số&gt; &lt;chi bộ mới&gt;
help-setstatus = đổi trạng thái đảng viên: /trangthai &lt;tên hoặc số&gt; &lt;chinh_thuc|du_bi|mien_sinh_hoat|tam_thoi&gt;
roster-cell-unknown = Không có chi bộ “{ $name }” trong phạm vi đồng chí phụ trách. Các chi bộ đồng chí dùng được: { $known }.
roster-name-the-cell = Vui lòng ghi tên chi bộ ở cuối lệnh, sau dấu phẩy (ví dụ: “…, Chi bộ Tổ 1”). Các chi bộ đồng chí dùng được: { $known }.
add-usage =
    Cách dùng: /themdangvien &lt;họ tên có dấu&gt; [du_bi|chinh_thuc]
    Ví dụ: /themdangvien Lý Văn Mới du_bi
    Quản trị tổ chức đảng ghi thêm tên chi bộ ở cuối: /themdangvien Lý Văn Mới, Chi bộ Tổ 1
add-name-too-long = Họ tên dài quá { $max } ký tự.
add-already = Đồng chí { $name } đã có trong danh sách { $cell }. Muốn đổi trạng thái, dùng /trangthai.
add-done = Đã thêm đồng chí { $name } vào { $cell } ({ $status }). Gõ /moi { $name } để lấy mã mời cho đồng chí ấy.
add-told = Đồng chí { $who } đã thêm đồng chí { $name } vào { $cell } ({ $status }).
transfer-usage =
    Cách dùng: /chuyen &lt;tên hoặc số thứ tự&gt; sang &lt;chi bộ mới&gt;
    Ví dụ: /chuyen Lê Văn Cường sang Chi bộ Tổ 2
    Đảng viên thôi sinh hoạt ở chi bộ này từ hôm nay và bắt đầu ở chi bộ mới; lịch sử ở cả hai chi bộ được giữ. Chi bộ mới phải nằm trong phạm vi đồng chí phụ trách; quản trị ghi chi bộ hiện tại ở cuối, sau dấu phẩy.
transfer-target-unknown = Không có chi bộ “{ $name }” trong phạm vi đồng chí phụ trách, nên không chuyển được. Các chi bộ đồng chí dùng được: { $known }.
transfer-same = Đồng chí ấy đang sinh hoạt tại { $cell } rồi.
transfer-already-there = Đồng chí { $name } đã đang sinh hoạt tại { $cell }.
transfer-done = Đã chuyển đồng chí { $name } từ { $source } sang { $target } từ hôm nay. Lịch sử ở { $source } được giữ nguyên.
transfer-told = Đồng chí { $who } đã chuyển đồng chí { $name } từ { $source } sang { $target }.
status-usage =
    Cách dùng: /trangthai &lt;tên hoặc số thứ tự&gt; &lt;trạng thái&gt;
    Trạng thái: chinh_thuc (chính thức), du_bi (dự bị), mien_sinh_hoat (miễn sinh hoạt), tam_thoi (sinh hoạt tạm thời).
    Ví dụ: /trangthai Phạm Thị Dung chinh_thuc
status-same = Đồng chí { $name } đã ở trạng thái đó rồi.
status-changed-meanwhile = Trạng thái của đồng chí { $name } vừa được người khác thay đổi. Vui lòng xem lại rồi thử lại.
status-done = Đã đổi trạng thái của đồng chí { $name } tại { $cell }: { $before } → { $after }.
status-told = Đồng chí { $who } đã đổi trạng thái của đồng chí { $name } tại { $cell }: { $before } → { $after }.
