package extract

import "testing"

func TestRedactQuery(t *testing.T) {
	tests := []struct{ in, want string }{
		{"cccd 096185001234", "cccd [số]"},
		{"0960 8500 1234 đất ở", "[số] đất ở"},
		{"gọi 0912.345.678", "gọi [số]"},
		{"Nguyễn Văn An", "[họ tên]"},
		{"nguyen van an thua dat", "[họ tên] thua dat"},
		{"quyết định Trần Thị Bích Ngọc 2020", "quyết định [họ tên] 2020"},
		{"sinh ngày 12/03/1990", "sinh ngày [ngày]"},
		{"quyết định thu hồi đất", "quyết định thu hồi đất"},
		{"1929/QĐ-UBND", "1929/QĐ-UBND"},
		{"30/2020/NĐ-CP", "30/2020/NĐ-CP"},
		{"quyết định 1929", "quyết định 1929"},
		{"Nguyễn", "Nguyễn"},
		{"quyet dinh thu hoi dat", "quyet dinh thu hoi dat"},
		{"Lê Lợi", "[họ tên]"},
	}
	for _, tt := range tests {
		if got := RedactQuery(tt.in); got != tt.want {
			t.Errorf("RedactQuery(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
