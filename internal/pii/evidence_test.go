package pii

import (
	"testing"
)

func TestDetectSerialsAndRowDates(t *testing.T) {
	runCases(t, []detCase{
		{
			name: "certificate serial after its label",
			text: "Số phát hành: HK 703215       SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG",
			gone: []string{"HK 703215"}, keep: []string{"SỞ TÀI NGUYÊN"},
		},
		{
			name: "serial label without diacritics",
			text: "So phat hanh: BQ 55501234\n",
			gone: []string{"BQ 55501234"},
		},
		{
			name: "a date in the row of an ID number",
			text: "4 | 21/11/1990 | 096190111222 | Ấp Mới, xã Tân Hưng\n",
			gone: []string{"21/11/1990"},
		},
		{
			name: "an event date in a sentence naming an ID card",
			text: "Ngày 05 tháng 3 năm 2021, Ủy ban nhận đơn của công dân, CMND số 381234567.\n",
			gone: []string{"381234567"}, keep: []string{"Ngày 05 tháng 3 năm 2021"},
		},
		{
			name: "a birth label cut by its cell's wrap",
			text: "Ngày, tháng, năm | 02/09/1979\nsinh\n",
			gone: []string{"02/09/1979"},
		},
		{
			name: "a name label cut by its cell's wrap",
			text: "Họ, chữ TẠ BÍCH HỦNG\nđệm, tên\n",
			gone: []string{"TẠ BÍCH"},
		},
		{
			name: "capitals read in mixed case after the label",
			text: "Họ, chữ đệm và tên |lÊ VĂN TƯỜNG\n",
			gone: []string{"VĂN TƯỜNG"},
		},
	})
}

func TestSpanEvidence(t *testing.T) {
	d := detector(t)
	tests := []struct {
		name, text, value string
		kind              Kind
		labelled          bool
	}{
		{"name after a form label", "Full name |NGUYEN THI MAI\n", "NGUYEN THI MAI", Name, true},
		{"name after ông", "Ông Phạm Văn Lực, sinh năm 1962\n", "Phạm Văn Lực", Name, true},
		{"name in a table row", "3 Lê Thị Hồng | 14/02/1981 | 096181222333 | Ấp 4, xã Tân Lộc\n", "Lê Thị Hồng", Name, false},
		{"birth date after its label", "Ngày sinh: 14/02/1981\n", "14/02/1981", BirthDate, true},
		{"serial after its label", "Số phát hành: HK 703215\n", "HK 703215", Serial, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, s := range d.Read(tt.text) {
				if tt.text[s.Start:s.End] == tt.value && s.Kind == tt.kind {
					if s.Labelled != tt.labelled {
						t.Errorf("%q: labelled %v, want %v", tt.value, s.Labelled, tt.labelled)
					}
					return
				}
			}
			t.Errorf("%q (%s) not found in %+v", tt.value, tt.kind, d.Read(tt.text))
		})
	}
}

func TestBirthPlaceAndBody(t *testing.T) {
	d := detector(t)
	if !d.BirthPlaceBefore("Nơi sinh: ") || !d.BirthPlaceBefore("Place of birth:") || d.BirthPlaceBefore("Nơi cư trú: ") {
		t.Error("BirthPlaceBefore: want places of birth, not of residence")
	}
	if !d.BodyFirst("Ủy ban nhân dân xã Tân Lộc") || d.BodyFirst("Ấp 4, xã Tân Lộc") {
		t.Error("BodyFirst: want bodies, not residences")
	}
	if !d.NameSyllable("Nguyệt") || !d.NameSyllable("Nguyet") || d.NameSyllable("xyz") {
		t.Error("NameSyllable: want listed syllables, with or without marks")
	}
}
