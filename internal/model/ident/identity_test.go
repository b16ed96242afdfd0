package ident

import "testing"

func TestUserName(t *testing.T) {
	tests := []struct {
		token            string
		fromLog, keep    bool
		wantName, wantHo string
	}{
		{"jsmith@DDC01", true, false, "jsmith", "DDC01"},
		{"JSmith@DDC02", true, false, "JSmith", "DDC02"},
		{`CORP\jsmith@DDC01`, true, false, "jsmith", "DDC01"},
		{"jsmith@corp.example@DDC02", true, false, "jsmith", "DDC02"}, // a UPN through a controller: split at the last @
		{`CORP\jsmith@DDC01`, true, true, `CORP\jsmith`, "DDC01"},
		{"jsmith@corp.example@DDC02", true, true, "jsmith@corp.example", "DDC02"},
		{"jsmith", false, false, "jsmith", ""},
		{"alice@corp.example", false, false, "alice", ""}, // udadmin with truncation off: a UPN, no host
		{"alice@corp.example", false, true, "alice@corp.example", ""},
		{"kiosk-07", true, false, "kiosk-07", ""},
		{`CORP\`, false, false, `CORP\`, ""},
		{"DDC01$@DDC01", true, false, "DDC01$", "DDC01"},
	}
	for _, tt := range tests {
		name, host := UserName(tt.token, tt.fromLog, tt.keep)
		if name != tt.wantName || host != tt.wantHo {
			t.Errorf("UserName(%q, log=%v, keep=%v) = %q, %q; want %q, %q", tt.token, tt.fromLog, tt.keep, name, host, tt.wantName, tt.wantHo)
		}
	}
	for _, s := range []string{"DDC01$", `CORP\XA01$`} {
		if !IsMachineAccount(s) {
			t.Errorf("IsMachineAccount(%q) = false", s)
		}
	}
	if IsMachineAccount("jsmith") {
		t.Error("jsmith is a person")
	}
}
