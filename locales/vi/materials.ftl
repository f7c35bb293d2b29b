## Tài liệu sinh hoạt hằng tháng (/tailieu)
help-materials-read = Tài liệu sinh hoạt hằng tháng cấp trên gửi đến kèm nút “Đã đọc” (trên Zalo: gõ số ghi bên dưới tin nhắn); đọc xong, đồng chí bấm nút để chi bộ nắm được.
help-materials = (quản trị viên) gửi tài liệu sinh hoạt của tháng xuống các chi bộ trực thuộc: /tailieu 12/2026 | tiêu đề | nội dung hoặc liên kết (chỉ chi bộ thuộc đảng ủy xã/phường: /tailieu xa | …; chỉ chi bộ thuộc đảng bộ cơ sở: /tailieu coso | …); gửi tệp (PDF, Word…, tối đa 20 MB): gửi tệp riêng cho bot, chú thích /tailieu 12/2026 | tiêu đề; /tailieu để xem ai đã đọc

materials-usage = Cách dùng: /tailieu tháng | tiêu đề | nội dung hoặc liên kết, ví dụ: /tailieu 12/2026 | Chuyên đề tháng 12 | https://example.vn/chuyen-de. Chỉ gửi cho một loại chi bộ: /tailieu xa | … hoặc /tailieu coso | …; cho một tổ chức cấp dưới: /tailieu &lt;tên tổ chức&gt; | …
materials-not-admin = Chỉ quản trị viên của một tổ chức mới gửi được tài liệu sinh hoạt; đồng chí chỉ xem được danh sách bằng /tailieu.
materials-bad-month = Tháng “{ $month }” không hợp lệ; viết theo dạng tháng/năm, ví dụ 12/2026.
materials-no-title = Tài liệu cần có tiêu đề: /tailieu 12/2026 | tiêu đề | nội dung hoặc liên kết.
materials-title-too-long = Tiêu đề dài quá; tối đa { $limit } ký tự.
materials-too-long = Nội dung dài quá; tối đa { $limit } ký tự. Hãy gửi một liên kết (http:// hoặc https://) tới tài liệu đầy đủ.
materials-bad-link = Liên kết phải bắt đầu bằng http:// hoặc https:// và có tên miền.
materials-unknown-node = Không thấy tổ chức “{ $name }” trong phạm vi đồng chí quản lý. Có thể chọn: { $known }
materials-which = Đồng chí quản lý nhiều tổ chức; hãy ghi tên tổ chức ở đầu: /tailieu &lt;tên tổ chức&gt; | tháng | tiêu đề | nội dung. Có thể chọn: { $known }
materials-no-cells = Không có chi bộ nào nhận tài liệu này dưới { $name }.
materials-post =
    📚 <b>Tài liệu sinh hoạt tháng { $month }</b> — { $node }
    <b>{ $title }</b>
    { $body }
    Đọc xong, đồng chí bấm “Đã đọc” để chi bộ nắm được.
materials-read-button = Đã đọc
materials-sent = Đã gửi tài liệu “{ $title }” (tháng { $month }) tới { $cells } chi bộ: { $groups } nhóm và { $members } đảng viên nhận riêng.
materials-read = Đã ghi nhận: đồng chí đã đọc “{ $title }”. Cảm ơn đồng chí.
materials-read-again = Đồng chí đã báo đọc “{ $title }” trước đó rồi.
materials-list-title = <b>Tài liệu sinh hoạt tháng { $month }</b>
materials-list-line = • { $title } — { $cells } chi bộ, { $read }/{ $expected } lượt đã đọc ({ $share }%)
materials-list-empty = Chưa có tài liệu nào cho tháng này.
materials-unread = Chưa đọc tài liệu sinh hoạt tháng này: { $names }
materials-summary-read = Tài liệu sinh hoạt tháng: { $read }/{ $expected } lượt đã đọc ({ $share }%).
materials-agenda = Tài liệu sinh hoạt cấp trên gửi cho tháng này: { $titles } — đồng chí có thể đưa vào nội dung cuộc họp.
rollup-materials = tài liệu đã đọc { $share }
materials-file-usage = Gửi tệp tài liệu riêng cho bot, phần chú thích (caption) ghi: /tailieu tháng | tiêu đề, ví dụ: /tailieu 12/2026 | Nghị quyết tháng 12. Chỉ gửi cho một loại chi bộ: /tailieu xa | … hoặc /tailieu coso | …; cho một tổ chức cấp dưới: /tailieu &lt;tên tổ chức&gt; | …
materials-file-bad-name = Tên tệp có ký tự không dùng được (ký tự điều khiển, ký tự ẩn hoặc dấu / \) hoặc thiếu tên. Hãy đổi tên tệp rồi gửi lại.
materials-file-name-too-long = Tên tệp dài quá; tối đa { $limit } ký tự. Hãy đổi tên tệp rồi gửi lại.
materials-file-bad-type = Loại tệp này không gửi được làm tài liệu. Gửi được: { $types }.
materials-file-empty = Tệp { $file } không có nội dung. Chưa có gì được gửi.
materials-post-file =
    📚 <b>Tài liệu sinh hoạt tháng { $month }</b> — { $node }
    <b>{ $title }</b>
    📎 Tệp: { $file }
    Đọc xong, đồng chí bấm “Đã đọc” để chi bộ nắm được.
materials-sent-file = Đã gửi tài liệu “{ $title }” (tháng { $month }, tệp { $file }) tới { $cells } chi bộ: { $groups } nhóm và { $members } đảng viên nhận riêng.
materials-file-link = 📥 Tải tệp (liên kết riêng của chi bộ, xin đừng chia sẻ): { $link }
materials-file-elsewhere = Tệp “{ $file }” chỉ gửi được qua Telegram; đồng chí xin bí thư chi bộ bản in hoặc tệp.
