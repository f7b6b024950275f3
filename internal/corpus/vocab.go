package corpus

// This file holds the vocabulary the generator draws from: provinces with
// their citizen-ID codes, administrative units of Cà Mau, Vietnamese names
// and the phrases that administrative bodies use. Everything here is
// read-only data.

// province is one of the 63 provinces and centrally-run cities (as of 2024)
// with the 3-digit code that starts a CCCD (Thông tư 07/2016/TT-BCA).
type province struct {
	code string
	name string // as written after "tỉnh" or "thành phố"
	city bool   // centrally-run city ("thành phố Hà Nội")
}

// provinces is the official list of 63 CCCD province codes.
var provinces = [...]province{
	{"001", "Hà Nội", true}, {"002", "Hà Giang", false}, {"004", "Cao Bằng", false},
	{"006", "Bắc Kạn", false}, {"008", "Tuyên Quang", false}, {"010", "Lào Cai", false},
	{"011", "Điện Biên", false}, {"012", "Lai Châu", false}, {"014", "Sơn La", false},
	{"015", "Yên Bái", false}, {"017", "Hòa Bình", false}, {"019", "Thái Nguyên", false},
	{"020", "Lạng Sơn", false}, {"022", "Quảng Ninh", false}, {"024", "Bắc Giang", false},
	{"025", "Phú Thọ", false}, {"026", "Vĩnh Phúc", false}, {"027", "Bắc Ninh", false},
	{"030", "Hải Dương", false}, {"031", "Hải Phòng", true}, {"033", "Hưng Yên", false},
	{"034", "Thái Bình", false}, {"035", "Hà Nam", false}, {"036", "Nam Định", false},
	{"037", "Ninh Bình", false}, {"038", "Thanh Hóa", false}, {"040", "Nghệ An", false},
	{"042", "Hà Tĩnh", false}, {"044", "Quảng Bình", false}, {"045", "Quảng Trị", false},
	{"046", "Thừa Thiên Huế", false}, {"048", "Đà Nẵng", true}, {"049", "Quảng Nam", false},
	{"051", "Quảng Ngãi", false}, {"052", "Bình Định", false}, {"054", "Phú Yên", false},
	{"056", "Khánh Hòa", false}, {"058", "Ninh Thuận", false}, {"060", "Bình Thuận", false},
	{"062", "Kon Tum", false}, {"064", "Gia Lai", false}, {"066", "Đắk Lắk", false},
	{"067", "Đắk Nông", false}, {"068", "Lâm Đồng", false}, {"070", "Bình Phước", false},
	{"072", "Tây Ninh", false}, {"074", "Bình Dương", false}, {"075", "Đồng Nai", false},
	{"077", "Bà Rịa - Vũng Tàu", false}, {"079", "Hồ Chí Minh", true}, {"080", "Long An", false},
	{"082", "Tiền Giang", false}, {"083", "Bến Tre", false}, {"084", "Trà Vinh", false},
	{"086", "Vĩnh Long", false}, {"087", "Đồng Tháp", false}, {"089", "An Giang", false},
	{"091", "Kiên Giang", false}, {"092", "Cần Thơ", true}, {"093", "Hậu Giang", false},
	{"094", "Sóc Trăng", false}, {"095", "Bạc Liêu", false}, {"096", "Cà Mau", false},
}

// ProvinceCodes returns the 63 official 3-digit CCCD province codes (as of
// 2024) mapped to the province name, e.g. "096" -> "Cà Mau". The map is new
// on each call, so callers may modify it.
func ProvinceCodes() map[string]string {
	m := make(map[string]string, len(provinces))
	for _, p := range provinces {
		m[p.code] = p.name
	}
	return m
}

// district is a district-level unit of Cà Mau with some of its communes.
type district struct {
	kind     string // "huyện" or "thành phố"
	name     string
	communes []commune
}

// commune is a commune-level unit; kind is "xã", "phường" or "thị trấn".
type commune struct {
	kind string
	name string
}

// caMauDistricts are the nine district-level units of Cà Mau province.
var caMauDistricts = []district{
	{"thành phố", "Cà Mau", []commune{{"phường", "1"}, {"phường", "5"}, {"phường", "9"}, {"phường", "Tân Xuyên"}, {"xã", "Tân Thành"}, {"xã", "An Xuyên"}, {"xã", "Lý Văn Lâm"}, {"xã", "Định Bình"}, {"xã", "Hòa Thành"}}},
	{"huyện", "Thới Bình", []commune{{"thị trấn", "Thới Bình"}, {"xã", "Tân Lộc"}, {"xã", "Biển Bạch"}, {"xã", "Trí Phải"}, {"xã", "Hồ Thị Kỷ"}}},
	{"huyện", "U Minh", []commune{{"thị trấn", "U Minh"}, {"xã", "Khánh An"}, {"xã", "Nguyễn Phích"}, {"xã", "Khánh Lâm"}}},
	{"huyện", "Trần Văn Thời", []commune{{"thị trấn", "Sông Đốc"}, {"thị trấn", "Trần Văn Thời"}, {"xã", "Khánh Bình"}, {"xã", "Phong Lạc"}, {"xã", "Lợi An"}}},
	{"huyện", "Cái Nước", []commune{{"thị trấn", "Cái Nước"}, {"xã", "Tân Hưng"}, {"xã", "Phú Hưng"}, {"xã", "Đông Thới"}}},
	{"huyện", "Đầm Dơi", []commune{{"thị trấn", "Đầm Dơi"}, {"xã", "Tạ An Khương"}, {"xã", "Tân Thuận"}, {"xã", "Quách Phẩm"}}},
	{"huyện", "Năm Căn", []commune{{"thị trấn", "Năm Căn"}, {"xã", "Hàm Rồng"}, {"xã", "Hàng Vịnh"}, {"xã", "Đất Mới"}}},
	{"huyện", "Phú Tân", []commune{{"thị trấn", "Cái Đôi Vàm"}, {"xã", "Phú Mỹ"}, {"xã", "Tân Hải"}, {"xã", "Việt Thắng"}}},
	{"huyện", "Ngọc Hiển", []commune{{"thị trấn", "Rạch Gốc"}, {"xã", "Đất Mũi"}, {"xã", "Tân Ân"}, {"xã", "Viên An"}}},
}

// hamlets are names of ấp (rural hamlets) used besides numbered ones.
var hamlets = []string{
	"Cây Dương", "Tân Hiệp", "Bà Điều", "Chợ Hội", "Xóm Mới", "Kinh Cũ", "Bào Sen",
	"Cái Keo", "Thành Tâm", "Tân Phong", "Rạch Ráng", "Lung Lá", "Đồng Tâm", "Mỹ Bình",
}

// streets are street names for urban addresses.
var streets = []string{
	"Phan Ngọc Hiển", "Trần Hưng Đạo", "Nguyễn Trãi", "Lý Thường Kiệt", "Hùng Vương",
	"Ngô Quyền", "Lê Lợi", "Quang Trung", "Nguyễn Tất Thành", "Phan Bội Châu", "Lạc Long Quân",
}

// Surnames, with the most common repeated so they are drawn more often.
var surnames = []string{
	"Nguyễn", "Nguyễn", "Nguyễn", "Nguyễn", "Trần", "Trần", "Lê", "Lê", "Phạm", "Huỳnh",
	"Hoàng", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý",
	"Trương", "Lâm", "Đinh", "Tạ", "Châu", "Quách", "Thái", "Lưu", "Diệp",
}

var maleMiddle = []string{"Văn", "Văn", "Hữu", "Minh", "Quốc", "Thanh", "Đức", "Công", "Hoàng", "Tấn", "Thành", "Chí", "Trọng"}
var femaleMiddle = []string{"Thị", "Thị", "Ngọc", "Thu", "Kim", "Thanh", "Mỹ", "Hồng", "Bích", "Diễm", "Tuyết", "Cẩm"}

var maleGiven = []string{
	"An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Khang", "Long", "Minh", "Nam", "Phong",
	"Quang", "Sơn", "Tài", "Thắng", "Tuấn", "Việt", "Vinh", "Hiếu", "Lộc", "Phúc", "Trí",
	"Nghĩa", "Đạt", "Khoa", "Toàn", "Hậu", "Lực", "Thịnh", "Duy", "Khải", "Hưng",
}
var femaleGiven = []string{
	"Anh", "Châu", "Dung", "Giang", "Hà", "Hạnh", "Hương", "Lan", "Linh", "Mai", "Ngân",
	"Nhung", "Oanh", "Phương", "Quyên", "Thảo", "Trang", "Tuyết", "Uyên", "Vân", "Yến",
	"Xuân", "Nguyệt", "Hằng", "Diệu", "Loan", "Thủy", "Nhi", "Hiền", "Ly",
}

// ethnicities are the groups most often recorded in Cà Mau; Kinh dominates.
var ethnicities = []string{"Kinh", "Kinh", "Kinh", "Kinh", "Kinh", "Kinh", "Khmer", "Hoa"}

// phonePrefixes are mobile prefixes after the leading 0.
var phonePrefixes = []string{"90", "91", "93", "94", "96", "97", "98", "70", "76", "77", "79", "81", "83", "84", "85", "86", "88", "89", "32", "35", "39"}

// department is a provincial department: its name and symbol abbreviation.
type department struct {
	name   string // "Sở Tài nguyên và Môi trường"
	abbr   string // "STNMT"
	leader string // title of its head: "Giám đốc"
}

var departments = []department{
	{"Sở Tài nguyên và Môi trường", "STNMT", "Giám đốc"},
	{"Sở Nội vụ", "SNV", "Giám đốc"},
	{"Sở Tài chính", "STC", "Giám đốc"},
	{"Sở Kế hoạch và Đầu tư", "SKHĐT", "Giám đốc"},
	{"Sở Giáo dục và Đào tạo", "SGDĐT", "Giám đốc"},
	{"Sở Y tế", "SYT", "Giám đốc"},
	{"Sở Nông nghiệp và Phát triển nông thôn", "SNN", "Giám đốc"},
	{"Sở Giao thông vận tải", "SGTVT", "Giám đốc"},
	{"Sở Tư pháp", "STP", "Giám đốc"},
	{"Sở Xây dựng", "SXD", "Giám đốc"},
	{"Sở Lao động - Thương binh và Xã hội", "SLĐTBXH", "Giám đốc"},
	{"Sở Văn hóa, Thể thao và Du lịch", "SVHTTDL", "Giám đốc"},
}

// uBNDDivisions are the specialised divisions of a provincial people's
// committee office that appear after "UBND-" in công văn symbols.
var uBNDDivisions = []string{"VX", "KT", "NC", "XD", "TH", "NNTN", "TCD"}

// Subjects (trích yếu) by theme; each is a noun phrase completing "Về việc ...",
// "V/v ..." or a report title. %Y is replaced by a year.
var subjectThemes = []string{
	"triển khai thực hiện chương trình mục tiêu quốc gia xây dựng nông thôn mới năm %Y",
	"phê duyệt kế hoạch sử dụng đất năm %Y của huyện %D",
	"tăng cường công tác quản lý đất đai trên địa bàn tỉnh",
	"đẩy mạnh chuyển đổi số trong hoạt động của cơ quan nhà nước năm %Y",
	"số hóa tài liệu lưu trữ và cơ sở dữ liệu hộ tịch",
	"thu hồi đất để thực hiện dự án nâng cấp tuyến đường giao thông nông thôn",
	"tổ chức kỳ thi tuyển sinh vào lớp 10 năm học %Y",
	"phòng, chống thiên tai và tìm kiếm cứu nạn mùa mưa bão năm %Y",
	"giải quyết đơn kiến nghị của công dân",
	"cấp giấy chứng nhận quyền sử dụng đất lần đầu cho hộ gia đình, cá nhân",
	"kiện toàn Ban Chỉ đạo cải cách hành chính tỉnh",
	"phân bổ kinh phí hỗ trợ sản xuất lúa năm %Y",
	"tăng cường công tác phòng cháy, chữa cháy rừng mùa khô năm %Y",
	"thực hiện chế độ, chính sách đối với người có công với cách mạng",
	"chấn chỉnh công tác văn thư, lưu trữ tại các cơ quan, đơn vị",
	"triển khai Đề án phát triển ứng dụng dữ liệu về dân cư, định danh và xác thực điện tử",
	"kết quả thực hiện nhiệm vụ phát triển kinh tế - xã hội %Y",
	"nâng cao chất lượng giải quyết thủ tục hành chính trên môi trường điện tử",
	"bảo vệ và phát triển rừng ngập mặn ven biển",
	"đầu tư xây dựng công trình kè chống sạt lở bờ sông",
}

// Legal bases ("Căn cứ ...") for decisions.
var legalBases = []string{
	"Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015",
	"Luật sửa đổi, bổ sung một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương ngày 22 tháng 11 năm 2019",
	"Luật Đất đai ngày 29 tháng 11 năm 2013",
	"Luật Lưu trữ ngày 11 tháng 11 năm 2011",
	"Luật Ngân sách nhà nước ngày 25 tháng 6 năm 2015",
	"Luật Đầu tư công ngày 13 tháng 6 năm 2019",
	"Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư",
	"Nghị định số 43/2014/NĐ-CP ngày 15 tháng 5 năm 2014 của Chính phủ quy định chi tiết thi hành một số điều của Luật Đất đai",
	"Nghị định số 13/2023/NĐ-CP ngày 17 tháng 4 năm 2023 của Chính phủ về bảo vệ dữ liệu cá nhân",
	"Thông tư số 02/2019/TT-BNV ngày 24 tháng 01 năm 2019 của Bộ trưởng Bộ Nội vụ quy định tiêu chuẩn dữ liệu thông tin đầu vào và yêu cầu bảo quản tài liệu lưu trữ điện tử",
	"Quyết định số 06/QĐ-TTg ngày 06 tháng 01 năm 2022 của Thủ tướng Chính phủ phê duyệt Đề án phát triển ứng dụng dữ liệu về dân cư",
	"Nghị quyết số 15/NQ-HĐND ngày 08 tháng 12 năm 2021 của Hội đồng nhân dân tỉnh",
}

// Sentence pieces for body text. A sentence is built as
// opener + " " + action + " " + object + tail, with variations.
var bodyOpeners = []string{
	"Các sở, ban, ngành tỉnh", "Ủy ban nhân dân các huyện, thành phố", "Các cơ quan, đơn vị",
	"Ủy ban nhân dân các xã, phường, thị trấn", "Thủ trưởng các cơ quan chuyên môn",
	"Văn phòng Ủy ban nhân dân tỉnh", "Các đơn vị sự nghiệp công lập", "Cán bộ, công chức, viên chức",
	"Ban Chỉ đạo", "Tổ công tác liên ngành", "Phòng Tài nguyên và Môi trường", "Trung tâm Phục vụ hành chính công",
}
var bodyActions = []string{
	"có trách nhiệm tổ chức triển khai", "chủ động phối hợp thực hiện", "khẩn trương rà soát, tổng hợp",
	"tăng cường kiểm tra, giám sát", "tập trung chỉ đạo thực hiện nghiêm túc", "định kỳ báo cáo kết quả",
	"tiếp tục đẩy mạnh", "xây dựng kế hoạch cụ thể để triển khai", "phối hợp chặt chẽ trong việc thực hiện",
	"nghiên cứu, đề xuất giải pháp nâng cao hiệu quả", "kịp thời tháo gỡ khó khăn, vướng mắc trong",
	"bố trí đủ nguồn lực cho",
}
var bodyObjects = []string{
	"công tác cải cách hành chính", "việc số hóa hồ sơ, tài liệu lưu trữ", "công tác quản lý đất đai",
	"việc cấp giấy chứng nhận quyền sử dụng đất", "các nhiệm vụ được giao tại Kế hoạch này",
	"công tác phòng, chống thiên tai", "việc giải quyết thủ tục hành chính cho người dân và doanh nghiệp",
	"việc cập nhật cơ sở dữ liệu quốc gia về dân cư", "công tác bảo vệ môi trường", "chương trình xây dựng nông thôn mới",
	"công tác tuyên truyền, phổ biến giáo dục pháp luật", "việc thực hiện dịch vụ công trực tuyến toàn trình",
	"công tác bảo vệ bí mật nhà nước", "việc quản lý, sử dụng tài sản công", "công tác thi đua, khen thưởng",
	"các dự án đầu tư công trên địa bàn",
}
var bodyTails = []string{
	"trên địa bàn tỉnh", "theo đúng quy định của pháp luật", "bảo đảm tiến độ và chất lượng",
	"trong năm %Y", "trước ngày 15 tháng 12 năm %Y", "theo chức năng, nhiệm vụ được giao",
	"đạt hiệu quả thiết thực", "gắn với trách nhiệm của người đứng đầu", "một cách đồng bộ, thống nhất",
	"phù hợp với tình hình thực tế của địa phương",
}
var bodyConnectives = []string{
	"Đồng thời,", "Bên cạnh đó,", "Ngoài ra,", "Trong quá trình thực hiện,", "Trên cơ sở đó,",
	"Để bảo đảm hiệu quả,", "Qua kết quả kiểm tra,", "Nhằm thực hiện tốt nhiệm vụ,",
}
var reportFacts = []string{
	"toàn tỉnh đã tiếp nhận %N hồ sơ, giải quyết đúng hạn đạt %P%%",
	"đã số hóa %N trang tài liệu lưu trữ, đạt %P%% kế hoạch",
	"tổng diện tích gieo trồng đạt %N ha, tăng %P%% so với cùng kỳ",
	"thu ngân sách nhà nước ước đạt %N triệu đồng, đạt %P%% dự toán",
	"đã cấp %N giấy chứng nhận quyền sử dụng đất, đạt %P%% kế hoạch",
	"tỷ lệ hồ sơ trực tuyến toàn trình đạt %P%%, với %N hồ sơ",
	"đã tổ chức %N lớp tập huấn cho cán bộ, công chức cấp xã",
	"có %N xã đạt chuẩn nông thôn mới, chiếm %P%% tổng số xã",
}
var sectionHeads = []string{
	"MỤC ĐÍCH, YÊU CẦU", "NỘI DUNG THỰC HIỆN", "TỔ CHỨC THỰC HIỆN", "KẾT QUẢ ĐẠT ĐƯỢC",
	"TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN", "PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI", "KIẾN NGHỊ, ĐỀ XUẤT",
	"TÌNH HÌNH CHUNG", "KINH PHÍ THỰC HIỆN",
}
var romans = []string{"I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"}

// Land vocabulary.
type landPurpose struct{ text, code string }

var landPurposes = []landPurpose{
	{"Đất ở tại nông thôn", "ONT"}, {"Đất ở tại đô thị", "ODT"}, {"Đất trồng cây lâu năm", "CLN"},
	{"Đất chuyên trồng lúa nước", "LUC"}, {"Đất nuôi trồng thủy sản", "NTS"}, {"Đất trồng cây hằng năm khác", "HNK"},
	{"Đất rừng sản xuất", "RSX"},
}
var landOrigins = []string{
	"Công nhận quyền sử dụng đất như giao đất có thu tiền sử dụng đất",
	"Nhà nước giao đất không thu tiền sử dụng đất",
	"Nhận chuyển nhượng quyền sử dụng đất",
	"Nhận thừa kế quyền sử dụng đất",
	"Nhận tặng cho quyền sử dụng đất",
	"Công nhận quyền sử dụng đất như giao đất không thu tiền sử dụng đất",
}
var serialLetters = []string{"BS", "BT", "CĐ", "CS", "CT", "DA", "DB", "AK", "BC", "BĐ"}
var landChanges = []string{
	"Chuyển nhượng một phần diện tích thửa đất cho",
	"Đăng ký thế chấp quyền sử dụng đất tại Ngân hàng Nông nghiệp và Phát triển nông thôn, chi nhánh tỉnh Cà Mau theo hồ sơ số",
	"Xóa đăng ký thế chấp theo hồ sơ số",
	"Chuyển mục đích sử dụng đất theo Quyết định số",
	"Đính chính thông tin người sử dụng đất theo hồ sơ số",
	"Cấp đổi giấy chứng nhận do bị hư hỏng theo hồ sơ số",
}

// Places of birth for birth extracts (besides the commune health station).
var birthPlaces = []string{
	"Bệnh viện Đa khoa tỉnh Cà Mau", "Bệnh viện Sản Nhi tỉnh Cà Mau", "Trung tâm Y tế huyện %D",
	"Trạm Y tế %C", "Bệnh viện Đa khoa khu vực Năm Căn",
}
