# Nhập danh sách đảng viên (python bot.py import): lý do từ chối tệp và kết quả.
roster-refused = Không nhập tệp, chưa có gì bị thay đổi:
roster-more-problems = … và { $count } lỗi khác.
roster-report =
    Đã nhập { $file }:
      đảng bộ: thêm { $committees_added }, không đổi { $committees_unchanged }
      chi bộ: thêm { $cells_added }, không đổi { $cells_unchanged }
      đảng viên: thêm { $members_added }, cập nhật { $members_updated }, không đổi { $members_unchanged }
      cấp ủy viên theo dõi: thêm { $supervisors_added }, không đổi { $supervisors_unchanged }
      quản trị: thêm { $admins_added }, không đổi { $admins_unchanged }
roster-bad-suffix = { $name }: chỉ nhập được tệp .csv hoặc .xlsx.
roster-unreadable = { $name }: không đọc được tệp ({ $reason }).
roster-too-big = Tệp quá lớn: tối đa { $max_mb } MB.
roster-not-utf8 = Tệp không phải văn bản UTF-8: hãy lưu dưới dạng “CSV UTF-8” hoặc .xlsx.
roster-binary = Tệp không phải bảng văn bản (có dữ liệu nhị phân).
roster-not-table = Tệp CSV bị hỏng hoặc có một ô quá dài.
roster-not-xlsx = Tệp không phải bảng tính .xlsx (hoặc đã bị hỏng).
roster-empty = Tệp trống: dòng đầu tiên phải là tên các cột.
roster-too-many-columns = Tệp có hơn { $max } cột.
roster-too-many-rows = Tệp có hơn { $max } dòng: mỗi lần chỉ nhập được tối đa { $max } đảng viên.
roster-too-many-blank = Tệp có hơn { $max } dòng trống: hãy xóa các dòng trống rồi nhập lại.
roster-too-many-cells = Bảng tính có quá nhiều ô (một dòng có hơn { $row } ô, hoặc cả bảng hơn { $total } ô): hãy chép riêng danh sách sang một tệp mới.
roster-no-members = Tệp có tên cột nhưng không có đảng viên nào.
roster-unknown-columns = Dòng 1: không biết cột { $columns }; các cột dùng được: { $known }.
roster-missing-column = Dòng 1: thiếu cột { $column }.
roster-name-empty = Dòng { $line }: ho_ten (họ tên) để trống.
roster-cell-empty = Dòng { $line }: chi_bo (chi bộ) để trống.
roster-too-long = Dòng { $line }: { $column } dài quá 200 ký tự.
roster-bad-role = Dòng { $line }: vai_tro “{ $value }” không phải bi_thu, pho_bi_thu, chi_uy_vien, dang_vien, theo_doi hay quan_tri.
roster-bad-status = Dòng { $line }: trang_thai “{ $value }” không phải chinh_thuc, du_bi, tam_thoi hay mien_sinh_hoat.
roster-bad-telegram = Dòng { $line }: telegram_id “{ $value }” phải là một số nguyên dương.
roster-bad-zalo = Dòng { $line }: zalo_id “{ $value }” chỉ gồm chữ và số, tối đa 64 ký tự.
roster-bad-phone = Dòng { $line }: dien_thoai “{ $value }” không phải số điện thoại.
roster-bad-flag = Dòng { $line }: cột { $column } chỉ nhận “x” hoặc “có”, không nhận “{ $value }”.
roster-no-committee = Dòng { $line }: dang_bo và cap_tren để trống và không đoán được; hãy ghi tên đảng bộ.
roster-two-names = Dòng { $line }: { $name } có cùng mã hoặc số điện thoại với { $other } ở dòng { $other_line }; một người không thể có hai tên.
roster-different-values = Các dòng { $lines }: cùng một người nhưng cột { $column } khác nhau ({ $values }).
roster-role-differs = Dòng { $line }: { $name } ở { $cell } đã có ở dòng { $other_line } với vai_tro hoặc trang_thai khác.
roster-second-secretary = Dòng { $line }: { $cell } đã có bí thư ({ $name }, dòng { $other_line }).
roster-secretary-in-db = Dòng { $line }: { $cell } đã có bí thư là { $name }; mỗi chi bộ chỉ có một bí thư. Nếu thay bí thư, hãy ghi { $name } với vai trò khác trong cùng tệp.
roster-ids-two-people = Dòng { $line }: { $name }: dữ liệu đã lưu không khớp ({ $first_by } là của { $first }, { $second_by } là của { $second }).
roster-renames = Dòng { $line }: { $by } là của { $old }, nhưng tệp ghi tên { $new }. Nếu đổi tên thật, ghi “{ $old }” vào cột ten_cu; nếu không, hãy sửa lại số.
roster-old-name-differs = Dòng { $line }: ten_cu ghi “{ $old }” nhưng người này đang có tên { $stored }.
roster-old-name-unknown = Dòng { $line }: trong chi bộ không có ai tên “{ $old }” (ten_cu). Có phải: { $hint }?
roster-moves = Dòng { $line }: { $by } là của { $name } ở { $cells }; tệp xếp người này vào { $cell }. Nếu đúng là thêm vào chi bộ đó, ghi “x” vào cột them_chi_bo; nếu không, hãy sửa lại số.
roster-name-ambiguous = Dòng { $line }: { $cell } có nhiều người tên { $name }; hãy ghi số điện thoại hoặc mã để biết là ai.
roster-same-person = Dòng { $line }: { $name } là cùng một người đã được ghi ở dòng { $other_line }.
roster-membership-ended = Dòng { $line }: { $name } đã thôi sinh hoạt ở { $cell } ({ $reason }); muốn tiếp nhận lại, ghi “x” vào cột tiep_nhan_lai ở dòng này.
roster-member-and-follower = Dòng { $line }: { $name } không thể vừa là đảng viên vừa là cấp ủy viên theo dõi của { $cell }.
roster-busy = Cơ sở dữ liệu đang bận (một lần nhập khác hoặc bot đang ghi); chưa có gì bị thay đổi, hãy thử lại sau ít phút.
roster-conflict = Dữ liệu vừa được thay đổi trong khi nhập; chưa có gì bị thay đổi, hãy nhập lại.
roster-bad-chain = Dòng { $line }: cap_tren “{ $value }” có một tên để trống; hãy ghi các cấp từ trên xuống, cách nhau bằng “ / ”, ví dụ: Thành ủy Hà Nội / Đảng ủy phường Hoàn Kiếm.
roster-chain-too-deep = Dòng { $line }: cap_tren có quá { $max } cấp.
roster-admin-with-cell = Dòng { $line }: vai_tro quan_tri là quản trị một tổ chức đảng, nên để trống chi_bo (tổ chức là cấp cuối của cap_tren); người điều hành một chi bộ là bi_thu hoặc pho_bi_thu.
roster-node-role-no-chain = Dòng { $line }: chi_bo để trống nhưng không có cap_tren hay dang_bo; hãy ghi tổ chức mà người này quản trị hoặc theo dõi.
roster-node-role-no-id = Dòng { $line }: { $name } quản trị hoặc theo dõi một tổ chức nên cần telegram_id, zalo_id hoặc dien_thoai để nhận ra đúng người.
roster-committee-ambiguous = Dòng { $line }: có nhiều tổ chức tên “{ $name }” ({ $where }); hãy ghi đủ các cấp trên trong cột cap_tren.
