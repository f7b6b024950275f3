package web

import (
	"fmt"
	"html/template"
	"strconv"
	"time"
)

// messages holds every text of the interface: key -> {Vietnamese, English}.
var messages = map[string][2]string{
	"app.name":     {"Số hoá hồ sơ lưu trữ", "Archive digitisation"},
	"app.skip":     {"Bỏ qua đến nội dung chính", "Skip to main content"},
	"nav.main":     {"Điều hướng chính", "Main navigation"},
	"nav.upload":   {"Tải lên", "Upload"},
	"nav.batches":  {"Lô tài liệu", "Batches"},
	"nav.search":   {"Tra cứu", "Search"},
	"nav.ops":      {"Vận hành", "Operations"},
	"nav.admin":    {"Quản trị", "Administration"},
	"nav.audit":    {"Nhật ký kiểm toán", "Audit log"},
	"nav.logout":   {"Đăng xuất", "Sign out"},
	"nav.lang":     {"English", "Tiếng Việt"},
	"nav.signedin": {"Đã đăng nhập: %s (%s)", "Signed in: %s (%s)"},

	"role.uploader":   {"cán bộ lưu trữ", "archive staff"},
	"role.searcher":   {"cán bộ tra cứu", "official"},
	"role.pii_reader": {"được xem dữ liệu cá nhân", "cleared for personal data"},
	"role.reviewer":   {"kiểm tra, hiệu đính hồ sơ", "reviewer"},
	"role.operator":   {"vận hành", "operator"},
	"role.admin":      {"quản trị", "administrator"},

	"err.title":       {"Không thực hiện được", "Could not do that"},
	"err.unavailable": {"Hệ thống tạm thời không kiểm tra được phiên đăng nhập; vui lòng thử lại sau.", "Sign-in cannot be checked right now; please try again later."},
	"err.signin":      {"Phiên đăng nhập đã hết hạn. Hãy đăng nhập lại.", "Your session has ended. Please sign in again."},
	"err.forbidden":   {"Tài khoản của bạn không có quyền xem trang này.", "Your account is not allowed to open this page."},
	"err.csrf":        {"Biểu mẫu đã hết hạn hoặc không gửi từ trang này. Hãy tải lại trang và thử lại.", "The form expired or did not come from this site. Reload the page and try again."},
	"err.notfound":    {"Không tìm thấy.", "Not found."},
	"err.internal":    {"Lỗi máy chủ; thao tác chưa hoàn tất. Vui lòng thử lại.", "Server error; the operation did not complete. Please retry."},
	"err.badform":     {"Dữ liệu gửi lên không hợp lệ.", "The submitted form is not valid."},
	"err.toolarge":    {"Lô tải lên quá lớn.", "The upload is too large."},
	"err.toomany":     {"Đang có quá nhiều lượt tải lên cùng lúc; hãy thử lại sau ít giây.", "Too many uploads in progress; retry in a few seconds."},
	"err.back":        {"Về trang chủ", "Back to the start page"},

	"login.title":     {"Đăng nhập", "Sign in"},
	"login.password":  {"Tên đăng nhập và mật khẩu", "Username and password"},
	"login.username":  {"Tên đăng nhập", "Username"},
	"login.pass":      {"Mật khẩu", "Password"},
	"login.token":     {"Mã truy cập", "Access token"},
	"login.tokenhelp": {"Dán mã truy cập do quản trị viên cấp (sohoa_…).", "Paste the access token your administrator gave you (sohoa_…)."},
	"login.submit":    {"Đăng nhập", "Sign in"},
	"login.withtoken": {"Đăng nhập bằng mã truy cập", "Sign in with an access token"},
	"login.failed":    {"Tên đăng nhập, mật khẩu hoặc mã truy cập không đúng.", "Wrong username, password or access token."},
	"login.throttled": {"Quá nhiều lần đăng nhập sai từ máy này; vui lòng thử lại sau %d giây.", "Too many failed sign-ins from this computer; try again in %d seconds."},

	"upload.title":     {"Tải lên tài liệu", "Upload documents"},
	"upload.drop":      {"Kéo thả tệp hoặc thư mục vào đây", "Drag and drop files or folders here"},
	"upload.or":        {"hoặc", "or"},
	"upload.files":     {"Chọn tệp", "Choose files"},
	"upload.folder":    {"Chọn thư mục", "Choose a folder"},
	"upload.formats":   {"PDF, TIFF, PNG, JPEG hoặc ZIP.", "PDF, TIFF, PNG, JPEG or ZIP."},
	"upload.meta":      {"Thông tin lô", "Batch details"},
	"upload.pipeline":  {"Quy trình trích xuất", "Extraction pipeline"},
	"upload.auto":      {"Tự động nhận dạng", "Detect automatically"},
	"upload.anyclass":  {"%s: tự nhận dạng loại", "%s: detect the type"},
	"upload.fonds":     {"Phông lưu trữ", "Fonds"},
	"upload.dossier":   {"Hồ sơ", "Dossier"},
	"upload.retention": {"Thời hạn bảo quản", "Retention"},
	"upload.note":      {"Ghi chú", "Note"},
	"upload.submit":    {"Tải lên", "Upload"},
	"upload.selected":  {"Tệp đã chọn", "Selected files"},
	"upload.none":      {"Chưa chọn tệp nào.", "No files selected."},
	"upload.nofiles":   {"Chưa có tệp nào được gửi lên.", "No files were sent."},
	"upload.sending":   {"Đang gửi…", "Sending…"},
	"upload.failed":    {"Tải lên không thành công", "Upload failed"},

	"pipeline.administrative": {"Văn bản hành chính", "Administrative documents"},
	"pipeline.land":           {"Hồ sơ đất đai", "Land records"},
	"pipeline.civil_status":   {"Hộ tịch", "Civil status"},
	"pipeline.generic":        {"Chung", "Generic"},

	"batches.title":       {"Lô tài liệu", "Batches"},
	"batches.empty":       {"Chưa có lô nào. Hãy tải lên tài liệu.", "No batches yet. Upload some documents."},
	"batches.id":          {"Mã lô", "Batch"},
	"batches.created":     {"Tạo lúc", "Created"},
	"batches.status":      {"Trạng thái", "Status"},
	"batches.docs":        {"Tài liệu", "Documents"},
	"batches.pages":       {"Trang", "Pages"},
	"batches.issues":      {"Vấn đề", "Issues"},
	"batches.fonds":       {"Phông", "Fonds"},
	"batches.new":         {"Tải lên lô mới", "Upload a new batch"},
	"batches.failed":      {"%d lỗi", "%d failed"},
	"batches.rejected":    {"%d bị từ chối", "%d rejected"},
	"batches.quarantined": {"%d bị cách ly", "%d quarantined"},

	"batch.title":      {"Lô %s", "Batch %s"},
	"batch.progress":   {"Tiến độ", "Progress"},
	"batch.pagesdone":  {"%d/%d trang", "%d/%d pages"},
	"batch.docsdone":   {"%d/%d tài liệu", "%d/%d documents"},
	"batch.doc":        {"Tài liệu", "Document"},
	"batch.problem":    {"Lỗi / lý do", "Error / reason"},
	"batch.retry":      {"Xử lý lại các tài liệu lỗi", "Retry failed documents"},
	"batch.retried":    {"Đã đưa %s tài liệu vào hàng đợi xử lý lại.", "%s document(s) queued again."},
	"batch.open":       {"Mở", "Open"},
	"batch.duplicate":  {"trùng với tệp bạn đã tải lên trước đó", "same file as one you uploaded before"},
	"batch.quarantine": {"Cách ly: %s", "Quarantined: %s"},
	"batch.live":       {"Tự động cập nhật", "Updating live"},

	"nav.review":                    {"Kiểm tra", "Review"},
	"review.title":                  {"Hồ sơ cần kiểm tra", "Documents to review"},
	"review.empty":                  {"Không có tài liệu nào cần kiểm tra.", "No document needs review."},
	"review.doc":                    {"Kiểm tra: %s", "Review: %s"},
	"review.reasons":                {"Lý do", "Reasons"},
	"review.open":                   {"Kiểm tra", "Review"},
	"review.progress":               {"Lô này: %d/%d tài liệu đã chấp nhận hoặc đã kiểm tra", "This batch: %d/%d documents accepted or verified"},
	"review.keys":                   {"Tab: trường chưa chắc tiếp theo · Enter: xác nhận · gõ để sửa · Ctrl+Enter: lưu, xác nhận cả tài liệu và mở tài liệu tiếp theo", "Tab: next uncertain field · Enter: confirm · type to correct · Ctrl+Enter: save, verify the document and open the next one"},
	"review.save":                   {"Lưu và xác nhận (Ctrl+Enter)", "Save and verify (Ctrl+Enter)"},
	"review.page":                   {"Trang %d", "Page %d"},
	"review.bad.cccd":               {"Số CCCD phải gồm đúng 12 chữ số", "A CCCD number has exactly 12 digits"},
	"review.bad.date":               {"Ngày phải có dạng YYYY-MM-DD", "A date must be YYYY-MM-DD"},
	"review.saved":                  {"Đã lưu.", "Saved."},
	"review.reason.low_confidence":  {"%s: độ tin cậy thấp", "%s: low confidence"},
	"review.reason.invalid":         {"%s: giá trị không hợp lệ", "%s: invalid value"},
	"review.reason.missing":         {"%s: thiếu trường bắt buộc", "%s: required field missing"},
	"review.reason.class_uncertain": {"chưa chắc loại tài liệu%s", "document class uncertain%s"},
	"review.reason.page_failed":     {"trang %s không đọc được", "page %s could not be read"},
	"batch.review":                  {"Chấp nhận tự động (mọi trường đủ tin cậy): %d/%d tài liệu (%s) · cần kiểm tra: %d · đã kiểm tra: %d", "Accepted without review (every field confident): %d/%d documents (%s) · to review: %d · verified: %d"},
	"batch.meta":                    {"Phông: %s · Hồ sơ: %s · Bảo quản: %s", "Fonds: %s · Dossier: %s · Retention: %s"},

	"status.queued":           {"đang chờ", "queued"},
	"status.processing":       {"đang xử lý", "processing"},
	"status.done":             {"hoàn tất", "done"},
	"status.done_with_errors": {"hoàn tất, có lỗi", "done with errors"},
	"status.failed":           {"lỗi", "failed"},
	"status.rejected":         {"bị từ chối", "rejected"},
	"status.quarantined":      {"bị cách ly", "quarantined"},

	"search.title":        {"Tra cứu hồ sơ", "Search records"},
	"search.q":            {"Từ khoá (có hoặc không dấu)", "Words (with or without diacritics)"},
	"search.submit":       {"Tìm", "Search"},
	"search.filters":      {"Bộ lọc", "Filters"},
	"search.type":         {"Loại văn bản", "Document type"},
	"search.anytype":      {"Tất cả", "Any"},
	"search.issuer":       {"Cơ quan ban hành", "Issuer"},
	"search.from":         {"Từ ngày", "From"},
	"search.to":           {"Đến ngày", "To"},
	"search.batch":        {"Mã lô", "Batch"},
	"search.dates":        {"Ngày ban hành", "Issued"},
	"search.total":        {"%d kết quả", "%d results"},
	"search.none":         {"Không có kết quả. Thử bỏ bớt bộ lọc hoặc dùng từ khác.", "No results. Try fewer filters or other words."},
	"search.prev":         {"← Trang trước", "← Previous"},
	"search.next":         {"Trang sau →", "Next →"},
	"search.remove":       {"Bỏ lọc", "Remove filter"},
	"search.person":       {"Tra cứu theo dữ liệu cá nhân", "Look up by personal data"},
	"search.personhelp":   {"Khớp chính xác (không khớp một phần). Giá trị không được ghi vào nhật ký hay địa chỉ trang.", "Exact match only (no partial matches). The value is not written to the log or the address bar."},
	"search.cccd":         {"Số CCCD (12 chữ số)", "Citizen ID (12 digits)"},
	"search.name":         {"Họ và tên đầy đủ", "Full name"},
	"search.personempty":  {"Hãy nhập số CCCD hoặc họ tên.", "Enter a citizen ID or a full name."},
	"search.toolong":      {"Câu tìm kiếm quá dài (tối đa 1000 ký tự).", "The query is too long (at most 1000 characters)."},
	"search.baddate":      {"Ngày phải có dạng YYYY-MM-DD.", "Dates must be YYYY-MM-DD."},
	"search.personresult": {"Kết quả tra cứu theo dữ liệu cá nhân", "Results of the personal-data lookup"},

	"facet.class":  {"Loại văn bản", "Document type"},
	"facet.issuer": {"Cơ quan ban hành", "Issuer"},
	"facet.year":   {"Năm", "Year"},

	"record.meta":           {"Thông tin chung", "Details"},
	"record.file":           {"Tệp gốc", "Original file"},
	"record.batch":          {"Lô", "Batch"},
	"record.pages":          {"Số trang", "Pages"},
	"record.status":         {"Trạng thái", "Status"},
	"record.type":           {"Loại văn bản", "Document type"},
	"record.ocr":            {"Độ tin cậy OCR", "OCR confidence"},
	"record.pipeline":       {"Quy trình", "Pipeline"},
	"record.fields":         {"Trường trích xuất", "Extracted fields"},
	"record.field":          {"Trường", "Field"},
	"record.value":          {"Giá trị", "Value"},
	"record.confidence":     {"Độ tin cậy", "Confidence"},
	"record.page":           {"Trang", "Page"},
	"record.class":          {"Phân loại", "Class"},
	"record.masked":         {"đã ẩn", "hidden"},
	"record.maskednote":     {"Dữ liệu cá nhân được ẩn. Chỉ cán bộ được cấp quyền xem dữ liệu cá nhân mới xem được, và mỗi lần xem đều được ghi nhật ký.", "Personal data is hidden. Only officials cleared for personal data can see it, and every view is logged."},
	"record.imagesnote":     {"Ảnh trang chỉ hiển thị cho cán bộ được xem dữ liệu cá nhân.", "Page images are shown only to officials cleared for personal data."},
	"record.unmaskednote":   {"Bạn đang xem dữ liệu cá nhân. Lượt xem này đã được ghi vào nhật ký kiểm toán.", "You are viewing personal data. This view has been recorded in the audit log."},
	"record.reveal":         {"Hiện dữ liệu nhạy cảm", "Reveal sensitive data"},
	"record.reason":         {"Lý do (bắt buộc, được ghi nhật ký)", "Reason (required, logged)"},
	"record.revealed":       {"Đã hiện dữ liệu nhạy cảm với lý do: %s", "Sensitive data revealed for the reason: %s"},
	"record.needreason":     {"Hãy nêu lý do để xem dữ liệu nhạy cảm.", "Give a reason to see sensitive data."},
	"record.text":           {"Toàn văn", "Full text"},
	"record.textmasked":     {"Dữ liệu cá nhân trong toàn văn đã được thay bằng nhãn.", "Personal data in the full text is replaced by labels."},
	"record.images":         {"Ảnh trang", "Page images"},
	"record.pageimg":        {"Ảnh trang %d", "Image of page %d"},
	"record.download":       {"Tải tệp gốc", "Download the original file"},
	"record.notready":       {"Tài liệu chưa xử lý xong.", "The document is not processed yet."},
	"record.quarantine":     {"Tài liệu bị cách ly: %s", "Quarantined document: %s"},
	"record.sens.public":    {"công khai", "public"},
	"record.sens.personal":  {"cá nhân", "personal"},
	"record.sens.sensitive": {"nhạy cảm", "sensitive"},
	"record.sens.secret":    {"mật", "secret"},
	"record.sensitivity":    {"Phân loại dữ liệu", "Data class"},

	"ops.title":       {"Bảng điều khiển vận hành", "Operations dashboard"},
	"ops.throughput":  {"Tốc độ OCR", "OCR throughput"},
	"ops.ppm":         {"%.1f trang/phút", "%.1f pages/min"},
	"ops.window":      {"đo trong %s gần nhất", "over the last %s"},
	"ops.warming":     {"đang đo…", "measuring…"},
	"ops.active":      {"Đang chạy", "Running"},
	"ops.failed":      {"Lỗi hôm nay", "Failed today"},
	"ops.retry":       {"Chờ thử lại", "Waiting to retry"},
	"ops.archived":    {"Đã bỏ", "Given up"},
	"ops.workers":     {"Tiến trình xử lý", "Workers"},
	"ops.busy":        {"%d/%d đang bận", "%d/%d busy"},
	"ops.queues":      {"Hàng đợi", "Queues"},
	"ops.queue":       {"Hàng đợi", "Queue"},
	"ops.size":        {"Tổng", "Size"},
	"ops.pending":     {"Chờ", "Pending"},
	"ops.scheduled":   {"Hẹn giờ", "Scheduled"},
	"ops.processed":   {"Xong hôm nay", "Done today"},
	"ops.latency":     {"Độ trễ", "Latency"},
	"ops.paused":      {"tạm dừng", "paused"},
	"ops.servers":     {"Máy chủ xử lý", "Worker servers"},
	"ops.host":        {"Máy", "Host"},
	"ops.started":     {"Khởi động", "Started"},
	"ops.concurrency": {"Song song", "Concurrency"},
	"ops.noservers":   {"Không có máy chủ xử lý nào đang chạy.", "No worker server is running."},
	"ops.links":       {"Công cụ", "Tools"},
	"ops.monitoring":  {"Giám sát hàng đợi (asynqmon)", "Queue monitoring (asynqmon)"},
	"ops.metrics":     {"Chỉ số Prometheus", "Prometheus metrics"},
	"ops.queueerr":    {"Không đọc được hàng đợi: %s", "Cannot read the queues: %s"},

	"admin.title":        {"Quản trị", "Administration"},
	"admin.tokens":       {"Mã truy cập", "Access tokens"},
	"admin.users":        {"Người dùng", "Users"},
	"admin.keys":         {"Khoá mã hoá", "Encryption keys"},
	"admin.name":         {"Tên", "Name"},
	"admin.role":         {"Vai trò", "Role"},
	"admin.created":      {"Tạo lúc", "Created"},
	"admin.state":        {"Tình trạng", "State"},
	"admin.active":       {"đang dùng", "active"},
	"admin.revoked":      {"đã thu hồi", "revoked"},
	"admin.disabled":     {"đã khoá", "disabled"},
	"admin.revoke":       {"Thu hồi", "Revoke"},
	"admin.disable":      {"Khoá", "Disable"},
	"admin.newtoken":     {"Tạo mã truy cập", "Create a token"},
	"admin.create":       {"Tạo", "Create"},
	"admin.tokenonce":    {"Mã truy cập cho \u201c%s\u201d (chỉ hiện một lần, hãy sao chép ngay):", "Token for \u201c%s\u201d (shown once, copy it now):"},
	"admin.newuser":      {"Tạo người dùng", "Create a user"},
	"admin.username":     {"Tên đăng nhập", "Username"},
	"admin.fullname":     {"Họ tên", "Full name"},
	"admin.password":     {"Mật khẩu (ít nhất %d ký tự)", "Password (at least %d characters)"},
	"admin.badrole":      {"Vai trò không hợp lệ.", "Invalid role."},
	"admin.tokenfailed":  {"Không tạo được mã truy cập: tên không hợp lệ.", "Could not create the token: invalid name."},
	"admin.userexists":   {"Tên đăng nhập đã có.", "That username is taken."},
	"admin.badpassword":  {"Mật khẩu cần ít nhất %d ký tự.", "The password needs at least %d characters."},
	"admin.baduser":      {"Tên đăng nhập (a-z, 0-9, . _ -) hoặc họ tên không hợp lệ.", "Invalid username (a-z, 0-9, . _ -) or name."},
	"admin.bootstrap":    {"quản trị khởi tạo", "bootstrap admin"},
	"admin.pending":      {"chờ quản trị viên thứ hai duyệt (yêu cầu của %s)", "waiting for a second admin's approval (asked by %s)"},
	"admin.approve":      {"Duyệt", "Approve"},
	"admin.tokenpending": {"Mã này chưa dùng được: một quản trị viên khác phải duyệt nó trên trang này.", "This token cannot be used yet: another admin must approve it on this page."},
	"admin.selfapprove":  {"Không thể tự duyệt yêu cầu của chính mình: cần một quản trị viên khác.", "You cannot approve your own request: another admin must."},
	"admin.notpending":   {"Mục này không chờ duyệt (đã dùng được, đã thu hồi hoặc đã khoá).", "This is not waiting for approval (already usable, revoked or disabled)."},
	"admin.activekey":    {"Khoá chính đang dùng", "Active master key"},
	"admin.datakeys":     {"Số khoá dữ liệu", "Data keys"},
	"admin.erased":       {"Đã xoá bằng huỷ khoá", "Crypto-erased"},
	"admin.bymaster":     {"Khoá dữ liệu theo khoá chính", "Data keys by master key"},
	"admin.missing":      {"Khoá chính bị thiếu", "Missing master keys"},
	"admin.corrupt":      {"Bản ghi khoá hỏng", "Corrupt key records"},
	"admin.keyserr":      {"Không đọc được trạng thái khoá: %s", "Cannot read key status: %s"},
	"admin.none":         {"Chưa có.", "None yet."},

	"audit.title":   {"Nhật ký kiểm toán", "Audit log"},
	"audit.verify":  {"Kiểm tra chuỗi", "Verify chain"},
	"audit.ok":      {"Chuỗi nhật ký nguyên vẹn: %d mục, mục cuối số %d.", "The chain is intact: %d entries, last seq %d."},
	"audit.bad":     {"Phát hiện %d vấn đề trong nhật ký:", "%d problems found in the log:"},
	"audit.keyed":   {"Đã kiểm tra cả HMAC.", "HMACs checked too."},
	"audit.seq":     {"Số", "Seq"},
	"audit.time":    {"Thời điểm", "Time"},
	"audit.actor":   {"Người thực hiện", "Actor"},
	"audit.action":  {"Hành động", "Action"},
	"audit.object":  {"Đối tượng", "Object"},
	"audit.reason":  {"Lý do", "Reason"},
	"audit.details": {"Chi tiết", "Details"},
	"audit.latest":  {"200 mục mới nhất, mới nhất trước.", "The latest 200 entries, newest first."},
}

// tr returns the message key in lang, formatted with args; an unknown key
// is returned as is so a missing translation shows rather than hides.
func tr(lang, key string, args ...any) string {
	m, ok := messages[key]
	if !ok {
		return key
	}
	s := m[0]
	if lang == "en" {
		s = m[1]
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// fieldNames names the canonical fields (API.md).
var fieldNames = map[string][2]string{
	"doc_type": {"Loại văn bản", "Document type"}, "doc_number": {"Số văn bản", "Number"},
	"doc_symbol": {"Ký hiệu", "Symbol"}, "issued_date": {"Ngày ban hành", "Issued on"},
	"issue_place": {"Nơi ban hành", "Place of issue"}, "issuer": {"Cơ quan ban hành", "Issuer"},
	"subject": {"Trích yếu", "Subject"}, "signer_name": {"Người ký", "Signed by"},
	"signer_position": {"Chức vụ người ký", "Signer's position"}, "urgency": {"Độ khẩn", "Urgency"},
	"secrecy": {"Độ mật", "Secrecy"}, "person_names": {"Họ tên", "Names"}, "cccd": {"Số CCCD", "Citizen ID"},
	"cmnd": {"Số CMND", "Old ID number"}, "birth_dates": {"Ngày sinh", "Birth dates"},
	"addresses": {"Địa chỉ", "Addresses"}, "parcel_no": {"Số thửa", "Parcel"}, "map_sheet": {"Tờ bản đồ", "Map sheet"},
	"area_m2": {"Diện tích (m²)", "Area (m²)"}, "land_purpose": {"Mục đích sử dụng", "Land use"},
	"certificate_serial": {"Số seri GCN", "Certificate serial"}, "book_entry_no": {"Số vào sổ", "Register entry"},
	"ethnicity": {"Dân tộc", "Ethnicity"}, "nationality": {"Quốc tịch", "Nationality"},
	"birth_place": {"Nơi sinh", "Place of birth"}, "native_place": {"Quê quán", "Native place"},
	"registration_date": {"Ngày đăng ký", "Registered on"}, "sex": {"Giới tính", "Sex"},
}

func fieldLabel(lang, name string) string {
	if m, ok := fieldNames[name]; ok {
		if lang == "en" {
			return m[1]
		}
		return m[0]
	}
	return name
}

// funcs are the template helpers.
var funcs = template.FuncMap{
	"pct": func(f float64) string {
		if f <= 1 {
			f *= 100
		}
		return strconv.FormatFloat(f, 'f', 0, 64) + "%"
	},
	"datetime": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.Local().Format("2006-01-02 15:04")
	},
	"date": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.Format("2006-01-02")
	},
	"add":  func(a, b int) int { return a + b },
	"dur":  func(d time.Duration) string { return d.Round(time.Second).String() },
	"str":  func(v any) string { return fmt.Sprint(v) },
	"sens": func(lang string, s any) string { return tr(lang, "record.sens."+fmt.Sprint(s)) },
}
