package access_test

import (
	"maps"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sohoa/sohoa/internal/access"
	"github.com/sohoa/sohoa/internal/auth"
	"github.com/sohoa/sohoa/internal/catalog"
	"github.com/sohoa/sohoa/internal/domain"
)

const (
	D = access.Denied
	M = access.Masked
	R = access.WithReason
	C = access.Clear
)

// record has one field of each class and a full text.
var record = &catalog.Record{
	Fields: map[string]catalog.Field{
		"issuer":       {Value: "UBND huyện Năm Căn", Sensitivity: domain.Public},
		"person_names": {Values: []string{"Trần Văn Bình"}, Sensitivity: domain.Personal},
		"ethnicity":    {Value: "Kinh", Sensitivity: domain.Sensitive},
		"secrecy":      {Value: "MẬT", Sensitivity: domain.Secret},
	},
	Text:     []string{"Trần Văn Bình, dân tộc Kinh"},
	Redacted: []string{"[person], dân tộc [sensitive]"},
}

// TestPolicy is the role × view × sensitivity table. Every expected
// outcome is written out; none is computed from the policy.
func TestPolicy(t *testing.T) {
	type want struct {
		public, personal, sensitive, text, scans access.Outcome
		needsReason                              bool
		action, unmasked, exportPersonal         string // audit; "" = nothing audited (denied)
		status                                   int    // deny status when denied
		code                                     string
	}
	denied := func(status int, code string) want {
		return want{D, D, D, D, D, false, "", "", "", status, code}
	}
	anon := denied(401, "unauthorized")
	forb := denied(403, "forbidden")
	piiReq := denied(403, "pii_required")
	type tcase struct {
		role   auth.Role // "" = anonymous
		view   access.View
		reason string
		want   want
	}
	var cases []tcase
	add := func(role auth.Role, rows map[string]want) {
		for name, w := range rows {
			view, reason, _ := strings.Cut(name, "+")
			cases = append(cases, tcase{role, access.View(view), reason, w})
		}
	}
	// Anonymous, uploader and operator may use no view.
	add("", map[string]want{
		"record": anon, "record+why": anon, "page_image": anon, "original": anon, "pdf": anon,
		"batch_export": anon, "batch_export+why": anon, "dossier_export": anon, "dossier_export+why": anon, "csv": anon,
	})
	for _, r := range []auth.Role{auth.RoleUploader, auth.RoleOperator} {
		add(r, map[string]want{
			"record": forb, "record+why": forb, "page_image": piiReq, "original": piiReq, "pdf": piiReq,
			"batch_export": forb, "batch_export+why": forb, "dossier_export": forb, "dossier_export+why": forb, "csv": forb,
		})
	}
	// A searcher, and an admin (who is not cleared for personal data), see
	// public values only, reason or not.
	for _, r := range []auth.Role{auth.RoleSearcher, auth.RoleAdmin} {
		add(r, map[string]want{
			"record":             {C, M, M, M, M, false, "view", "", "", 0, ""},
			"record+why":         {C, M, M, M, M, false, "view", "", "", 0, ""},
			"page_image":         piiReq,
			"original":           piiReq,
			"pdf":                piiReq,
			"batch_export":       {C, M, M, M, M, false, "export", "", "false", 0, ""},
			"batch_export+why":   {C, M, M, M, M, false, "export", "", "false", 0, ""},
			"dossier_export":     {C, M, M, M, M, false, "export", "", "false", 0, ""},
			"dossier_export+why": {C, M, M, M, M, false, "export", "", "false", 0, ""},
			"csv":                {C, M, M, M, M, false, "export", "", "false", 0, ""},
			"csv+why":            {C, M, M, M, M, false, "export", "", "false", 0, ""},
		})
	}
	pii := map[string]want{
		"record":             {C, C, R, C, C, true, "unmask", "person_names,text", "", 0, ""},
		"record+why":         {C, C, C, C, C, false, "unmask", "ethnicity,person_names,text", "", 0, ""},
		"page_image":         {C, C, C, C, C, false, "download", "", "", 0, ""},
		"page_image+why":     {C, C, C, C, C, false, "download", "", "", 0, ""},
		"original":           {C, C, C, C, C, false, "download", "", "", 0, ""},
		"pdf":                {C, C, C, C, C, false, "download", "", "", 0, ""},
		"pdf+why":            {C, C, C, C, C, false, "download", "", "", 0, ""},
		"batch_export":       {C, R, R, R, C, true, "export", "", "false", 0, ""},
		"batch_export+why":   {C, C, C, C, C, false, "export", "ethnicity,person_names,text", "true", 0, ""},
		"dossier_export":     {C, R, R, R, C, true, "export", "", "false", 0, ""},
		"dossier_export+why": {C, C, C, C, C, false, "export", "ethnicity,person_names,text", "true", 0, ""},
		"csv":                {C, M, M, M, M, false, "export", "", "false", 0, ""},
		"csv+why":            {C, M, M, M, M, false, "export", "", "false", 0, ""},
	}
	add(auth.RolePIIReader, pii)
	// A reviewer sees the full record without a reason; elsewhere it is a
	// pii_reader.
	reviewer := maps.Clone(pii)
	reviewer["record"] = want{C, C, C, C, C, false, "unmask", "ethnicity,person_names,text", "", 0, ""}
	reviewer["record+why"] = reviewer["record"]
	add(auth.RoleReviewer, reviewer)
	if len(cases) < 6*10 {
		t.Fatalf("only %d cases", len(cases))
	}
	for _, tc := range cases {
		name := string(tc.role)
		if name == "" {
			name = "anonymous"
		}
		name += "/" + string(tc.view)
		if tc.reason != "" {
			name += "+reason"
		}
		t.Run(name, func(t *testing.T) {
			var p auth.Principal
			if tc.role != "" {
				p = auth.Principal{TokenID: "t", Name: "n", Role: tc.role}
			}
			d := access.Decide(p, tc.view, tc.reason)
			got := want{public: d.Field(domain.Public), personal: d.Field(domain.Personal), sensitive: d.Field(domain.Sensitive),
				text: d.Text(), scans: d.Scans(), needsReason: d.NeedsReason()}
			if d.Allowed() {
				a := d.Apply(record)
				var details map[string]string
				got.action, details = d.Audit(a.Released)
				got.unmasked, got.exportPersonal = details["unmasked"], details["personal"]
				if a.CanReveal != got.needsReason {
					t.Errorf("CanReveal = %v, NeedsReason = %v", a.CanReveal, got.needsReason)
				}
			} else {
				r := d.Deny()
				got.status, got.code = r.Status, r.Code
				if r.VI == "" || r.EN == "" {
					t.Errorf("refusal %+v without messages", r)
				}
			}
			if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(want{})); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

// TestSecretNeverShown: a secret field is masked in every view for every
// role, reason or not.
func TestSecretNeverShown(t *testing.T) {
	for _, r := range append(auth.Roles(), "") {
		for _, v := range access.Views() {
			for _, reason := range []string{"", "why"} {
				d := access.Decide(auth.Principal{Role: r}, v, reason)
				if got := d.Field(domain.Secret); got != access.Masked && got != access.Denied {
					t.Errorf("%s %s reason=%q: secret %s", r, v, reason, got)
				}
				if got := d.Field("unknown"); got != access.Masked && got != access.Denied {
					t.Errorf("%s %s reason=%q: unknown class %s", r, v, reason, got)
				}
			}
		}
	}
}

// TestApply checks the masked record as the views show it: fields sorted,
// released names, text choice.
func TestApply(t *testing.T) {
	d := access.Decide(auth.Principal{Role: auth.RolePIIReader}, access.Record, "")
	a := d.Apply(record)
	var got []string
	for _, f := range a.Fields {
		got = append(got, f.Name+"="+string(f.Outcome))
	}
	want := []string{"ethnicity=with_reason", "issuer=clear", "person_names=clear", "secrecy=masked"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("fields (-want +got)\n%s", diff)
	}
	if !a.TextClear || !a.CanReveal {
		t.Errorf("TextClear %v CanReveal %v", a.TextClear, a.CanReveal)
	}
}

func TestNeeds(t *testing.T) {
	want := map[access.View]auth.Role{
		access.Record: auth.RoleSearcher, access.PageImage: auth.RolePIIReader, access.Original: auth.RolePIIReader,
		access.PDF: auth.RolePIIReader, access.BatchExport: auth.RoleSearcher, access.DossierExport: auth.RoleSearcher,
		access.CSV: auth.RoleSearcher,
	}
	for _, v := range access.Views() {
		if got := access.Needs(v); got != want[v] {
			t.Errorf("Needs(%s) = %s, want %s", v, got, want[v])
		}
	}
	if d := access.Decide(auth.Principal{Role: auth.RoleAdmin}, "nonsense", ""); d.Allowed() {
		t.Error("unknown view allowed")
	}
}

func TestCleanReason(t *testing.T) {
	tests := []struct {
		in, want string
		err      bool
	}{
		{"  xác minh hồ sơ  ", "xác minh hồ sơ", false},
		{"", "", false},
		{"   ", "", false},
		{"Nguye\u0302\u0303n", "Nguyễn", false},
		{strings.Repeat("a", access.MaxReason), strings.Repeat("a", access.MaxReason), false},
		{strings.Repeat("a", access.MaxReason+1), "", true},
		{"a\x00b", "", true},
		{"a\nb", "", true},
		{"\xff", "", true},
		{"xác minh \u202egnp.exe", "", true},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := access.CleanReason(tc.in)
			if (err != nil) != tc.err || got != tc.want {
				t.Errorf("CleanReason(%q) = %q, %v; want %q, err %v", tc.in, got, err, tc.want, tc.err)
			}
		})
	}
}
