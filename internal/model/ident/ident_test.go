package ident

import "testing"

func TestFold(t *testing.T) {
	var f Folder
	tests := []struct{ a, b string }{
		{"Alice@CORP.example", "alice@corp.example"},
		{"ａｌｉｃｅ@corp.example", "alice@corp.example"},
		{"Straße", "STRASSE"},
		{"ᏞᎪᏗ", "ꮮꭺꮧ"}, // Cherokee capitals and smalls fold together (golang/go#46101)
		{"\xffbad", "\xffBAD"},
	}
	for _, tt := range tests {
		a, b := f.FoldString(tt.a), f.FoldString(tt.b)
		if a != b {
			t.Errorf("Fold(%q) = %q, Fold(%q) = %q: want equal", tt.a, a, tt.b, b)
		}
		if again := f.FoldString(a); again != a {
			t.Errorf("not idempotent: %q -> %q", a, again)
		}
	}
	if f.FoldString("ALİCE") == f.FoldString("alice") {
		t.Error("dotted capital İ folds to i + combining dot, not to i")
	}
}
