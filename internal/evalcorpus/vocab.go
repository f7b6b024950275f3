package evalcorpus

// The vocabulary of this generator is its own: other provinces, agencies,
// names and wording than internal/corpus, so that an extractor tuned on
// that corpus meets words it has not seen.

// province is a province with the units used in addresses and headers.
// Districts are the pre-2025 units; communes2025 are communes of the
// two-level government after the 2025 reorganisation (no district).
type province struct {
	name         string // "Hà Tĩnh"
	kind         string // "tỉnh" or "thành phố"
	code         string // CCCD province code
	districts    []district
	communes2025 []string // post-2025 communes (xã/phường with name)
}

type district struct {
	kind, name string
	communes   []string // "xã Cẩm Bình", "phường Bắc Hà"
	hamlets    []string // "thôn Đông Yên", "tổ dân phố 3"
}

var provinces = []province{
	{name: "Hà Tĩnh", kind: "tỉnh", code: "042",
		districts: []district{
			{"huyện", "Cẩm Xuyên", []string{"xã Cẩm Bình", "xã Cẩm Vịnh", "thị trấn Thiên Cầm"}, []string{"thôn Đông Yên", "thôn Trung Hà", "tổ dân phố Bắc Sơn"}},
			{"huyện", "Kỳ Anh", []string{"xã Kỳ Đồng", "xã Kỳ Phong"}, []string{"thôn Hưng Lợi", "thôn Tân Phúc"}},
			{"thành phố", "Hà Tĩnh", []string{"phường Bắc Hà", "phường Nam Hà", "phường Thạch Linh"}, []string{"tổ dân phố 5", "tổ dân phố Tân Học"}},
		},
		communes2025: []string{"xã Thiên Cầm", "phường Thành Sen", "xã Đồng Tiến"}},
	{name: "Thái Nguyên", kind: "tỉnh", code: "019",
		districts: []district{
			{"huyện", "Đại Từ", []string{"xã Hùng Sơn", "xã Tân Thái", "xã Phú Xuyên"}, []string{"xóm Đồng Khuân", "xóm Cây Thị"}},
			{"thành phố", "Thái Nguyên", []string{"phường Tân Thịnh", "phường Quang Trung", "phường Gia Sàng"}, []string{"tổ 12", "tổ 7"}},
			{"huyện", "Phú Lương", []string{"xã Yên Ninh", "xã Vô Tranh"}, []string{"xóm Na Pặng", "xóm Bãi Bằng"}},
		},
		communes2025: []string{"phường Phan Đình Phùng", "xã Đại Phúc", "xã La Bằng"}},
	{name: "Đồng Tháp", kind: "tỉnh", code: "087",
		districts: []district{
			{"huyện", "Lấp Vò", []string{"xã Mỹ An Hưng A", "xã Tân Mỹ", "xã Bình Thạnh Trung"}, []string{"ấp An Thạnh", "ấp Hưng Mỹ Tây"}},
			{"thành phố", "Cao Lãnh", []string{"phường Mỹ Phú", "phường Hòa Thuận", "xã Tịnh Thới"}, []string{"khóm 3", "khóm Mỹ Thượng"}},
			{"huyện", "Tháp Mười", []string{"xã Mỹ An", "xã Trường Xuân"}, []string{"ấp Mỹ Lợi", "ấp 2"}},
		},
		communes2025: []string{"phường Mỹ Trà", "xã Phong Hòa", "xã Mỹ Thọ"}},
	{name: "Quảng Trị", kind: "tỉnh", code: "045",
		districts: []district{
			{"huyện", "Hải Lăng", []string{"xã Hải Phú", "xã Hải Thượng"}, []string{"thôn Xuân Lộc", "thôn Câu Nhi"}},
			{"thành phố", "Đông Hà", []string{"phường Đông Lương", "phường Đông Thanh"}, []string{"khu phố 4", "khu phố Đại Áng"}},
		},
		communes2025: []string{"xã Nam Hải Lăng", "phường Nam Đông Hà"}},
	{name: "Lâm Đồng", kind: "tỉnh", code: "068",
		districts: []district{
			{"huyện", "Đức Trọng", []string{"xã Hiệp Thạnh", "xã Phú Hội", "thị trấn Liên Nghĩa"}, []string{"thôn Phi Nôm", "thôn Bắc Hội"}},
			{"thành phố", "Bảo Lộc", []string{"phường Lộc Tiến", "phường B'Lao", "xã Đại Lào"}, []string{"tổ dân phố 2", "thôn 6"}},
		},
		communes2025: []string{"xã Hiệp Thạnh", "phường 2 Bảo Lộc"}},
	{name: "Bắc Ninh", kind: "tỉnh", code: "027",
		districts: []district{
			{"huyện", "Gia Bình", []string{"xã Đông Cứu", "xã Nhân Thắng"}, []string{"thôn Ngăm Lương", "thôn Cứu Sơn"}},
			{"thành phố", "Từ Sơn", []string{"phường Đình Bảng", "phường Tân Hồng"}, []string{"khu phố Xuân Thụ", "khu phố Cẩm Giang"}},
		},
		communes2025: []string{"xã Gia Bình", "phường Từ Sơn"}},
	{name: "Cần Thơ", kind: "thành phố", code: "092",
		districts: []district{
			{"quận", "Ninh Kiều", []string{"phường An Hòa", "phường Xuân Khánh", "phường Hưng Lợi"}, []string{"khu vực 3", "khu vực 5"}},
			{"huyện", "Phong Điền", []string{"xã Nhơn Ái", "xã Giai Xuân"}, []string{"ấp Nhơn Lộc", "ấp Thới Hòa"}},
		},
		communes2025: []string{"phường Ninh Kiều", "xã Phong Điền"}},
}

var streets = []string{"Trần Phú", "Nguyễn Du", "Hà Huy Tập", "Phan Đình Phùng", "Lê Hồng Phong", "Hoàng Văn Thụ",
	"Nguyễn Sinh Sắc", "Lý Tự Trọng", "Hùng Vương", "Xuân Diệu", "Quang Trung", "Bà Triệu"}

// Names: a separate list of surnames, middle names and given names.
var (
	surnames     = []string{"Phan", "Đặng", "Bùi", "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Trịnh", "Lưu", "Vương", "Tạ", "Cao", "Mai", "Hà", "Tôn", "Khổng", "Lại"}
	middleMale   = []string{"Đức", "Hữu", "Minh", "Quang", "Công", "Bá", "Xuân", "Trọng", "Thanh", "Đình"}
	middleFemale = []string{"Thị", "Thị", "Ngọc", "Thu", "Diệu", "Thùy", "Kim", "Hồng", "Phương", "Bảo"}
	givenMale    = []string{"Khải", "Thắng", "Lộc", "Tùng", "Hiếu", "Nghĩa", "Toàn", "Duy", "Phước", "Sang", "Kiên", "Cường", "Tín", "Hoàng"}
	givenFemale  = []string{"Hằng", "Nhung", "Yến", "Trinh", "Thảo", "Quyên", "Diễm", "Oanh", "Hiền", "Nguyệt", "Uyên", "Loan", "Vân"}
)

// agency is a department of a province People's Committee.
type agency struct {
	lines []string // as printed in the header, upper case, one string a line
	name  string   // ordinary spelling, without the province
	abbr  string   // symbol part
	head  string   // leader title
	units []string // division abbreviations for letters
}

var agencies = []agency{
	{[]string{"SỞ NÔNG NGHIỆP", "VÀ MÔI TRƯỜNG"}, "Sở Nông nghiệp và Môi trường", "SNNMT", "GIÁM ĐỐC", []string{"QLĐĐ", "CCTL", "VP"}},
	{[]string{"SỞ TƯ PHÁP"}, "Sở Tư pháp", "STP", "GIÁM ĐỐC", []string{"HCTP", "VP"}},
	{[]string{"SỞ XÂY DỰNG"}, "Sở Xây dựng", "SXD", "GIÁM ĐỐC", []string{"QLN", "KTHT"}},
	{[]string{"SỞ TÀI CHÍNH"}, "Sở Tài chính", "STC", "GIÁM ĐỐC", []string{"QLG", "NS"}},
	{[]string{"SỞ Y TẾ"}, "Sở Y tế", "SYT", "GIÁM ĐỐC", []string{"NVY", "TCCB"}},
	{[]string{"BAN QUẢN LÝ DỰ ÁN", "ĐẦU TƯ XÂY DỰNG"}, "Ban Quản lý dự án đầu tư xây dựng", "BQLDA", "TRƯỞNG BAN", []string{"KT", "KH"}},
}

// districtOffices are offices of a district People's Committee.
var districtOffices = []agency{
	{[]string{"PHÒNG TÀI NGUYÊN", "VÀ MÔI TRƯỜNG"}, "Phòng Tài nguyên và Môi trường", "TNMT", "TRƯỞNG PHÒNG", nil},
	{[]string{"PHÒNG TƯ PHÁP"}, "Phòng Tư pháp", "PTP", "TRƯỞNG PHÒNG", nil},
	{[]string{"VĂN PHÒNG HĐND VÀ UBND"}, "Văn phòng HĐND và UBND", "VP", "CHÁNH VĂN PHÒNG", nil},
}

var ubndDivisions = []string{"KT", "NC", "TH", "KGVX", "NL", "ĐT"}

// subjects are the subjects of administrative documents; %P is the
// province, %U a unit (district or commune), %Y the year.
var subjects = []string{
	"triển khai thực hiện chương trình mục tiêu quốc gia xây dựng nông thôn mới năm %Y",
	"tăng cường công tác phòng cháy, chữa cháy tại khu dân cư",
	"kiểm tra việc chấp hành pháp luật về đất đai trên địa bàn %U",
	"tổ chức lấy ý kiến nhân dân về dự thảo quy hoạch chung %U",
	"rà soát, cập nhật danh sách hộ nghèo, hộ cận nghèo năm %Y",
	"chuẩn bị các điều kiện tổ chức kỳ thi tốt nghiệp trung học phổ thông năm %Y",
	"đẩy mạnh chuyển đổi số trong giải quyết thủ tục hành chính",
	"phòng, chống dịch bệnh trên đàn gia súc, gia cầm",
	"kiện toàn Ban Chỉ đạo công tác cải cách hành chính %P",
	"quản lý, sử dụng tài sản công tại các cơ quan, đơn vị",
	"thực hiện chính sách hỗ trợ người lao động mất việc làm",
	"bảo đảm an toàn giao thông dịp Tết Nguyên đán",
}

// quotedDocs are documents quoted inside subjects: %N is a number.
var quotedDocs = []string{"Thông báo số %N-TB/TU", "Kết luận số %N-KL/TU", "Công văn số %N/BNNMT-QLĐĐ", "Chỉ thị số %N/CT-TTg", "Quyết định số %N/QĐ-UBND"}

// bodyLead, bodyVerb and bodyTail build body sentences.
var (
	bodyLead = []string{"Thời gian qua", "Thực hiện chỉ đạo của cấp trên", "Qua theo dõi tình hình thực tế", "Căn cứ kết quả kiểm tra",
		"Nhằm nâng cao hiệu quả quản lý nhà nước", "Để kịp thời khắc phục những tồn tại, hạn chế", "Trên cơ sở đề xuất của các đơn vị"}
	bodyVerb = []string{"các cơ quan, đơn vị cần khẩn trương rà soát", "đề nghị các địa phương chủ động phối hợp thực hiện",
		"yêu cầu thủ trưởng các đơn vị chỉ đạo quyết liệt", "cần tiếp tục quán triệt và triển khai đồng bộ",
		"đã tổ chức thực hiện nghiêm túc", "giao các phòng chuyên môn theo dõi, đôn đốc"}
	bodyTail = []string{"các nhiệm vụ đã được giao trong năm", "việc tiếp nhận và trả kết quả hồ sơ cho tổ chức, công dân",
		"công tác tuyên truyền, vận động nhân dân", "các giải pháp bảo đảm tiến độ giải ngân vốn đầu tư công",
		"việc cập nhật cơ sở dữ liệu chuyên ngành", "chế độ thông tin, báo cáo định kỳ theo quy định"}
)

var landPurposes = []string{"Đất ở tại nông thôn (ONT)", "Đất ở tại đô thị (ODT)", "Đất trồng cây lâu năm (CLN)",
	"Đất chuyên trồng lúa (LUC)", "Đất nuôi trồng thủy sản (NTS)", "Đất trồng cây hằng năm khác (HNK)"}

var ethnic = []string{"Kinh", "Kinh", "Kinh", "Tày", "Nùng", "Mường", "Thái", "Hoa"}

// fonts are families a fresh Debian with chromium has.
var fonts = []string{"Liberation Serif", "Liberation Serif", "DejaVu Serif", "Liberation Sans", "DejaVu Sans"}
