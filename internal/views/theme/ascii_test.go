package theme

import "testing"

func TestFoldASCII(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain ascii", "plain ascii"},
		{"josé.núñez", "jose.nunez"},
		{"jose\u0301", "jose"}, // already decomposed
		{"Øyvind Ærø", "Oyvind AEro"},
		{"straße", "strasse"},
		{"── events/0000.json ──", "-- events/0000.json --"},
		{"reading the key…", "reading the key..."},
		{"sort: time ↑", "sort: time ^"},
		{"王小明", "???"},
		{"\x1b[1mjosé\x1b[0m", "\x1b[1mjose\x1b[0m"},
		{"emoji 🙂", "emoji ?"},
	}
	for _, tt := range tests {
		got := FoldASCII(tt.in)
		if got != tt.want {
			t.Errorf("FoldASCII(%q) = %q, want %q", tt.in, got, tt.want)
		}
		for i := 0; i < len(got); i++ {
			if got[i] >= 0x80 {
				t.Errorf("FoldASCII(%q) = %q keeps byte %#x", tt.in, got, got[i])
			}
		}
	}
}
