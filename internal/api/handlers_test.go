package api

import "testing"

func TestAuditQuery(t *testing.T) {
	cases := []struct{ in, want string }{
		{"quyết định 1929", "quyết định 1929"},
		{"cccd 096185001234", "cccd [số]"},
		{"0960 8500 1234 đất ở", "[số] đất ở"},
		{"gọi 0912.345.678", "gọi [số]"},
		{"30/2020/NĐ-CP", "30/2020/NĐ-CP"},
	}
	for _, c := range cases {
		if got := auditQuery(c.in); got != c.want {
			t.Errorf("auditQuery(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
