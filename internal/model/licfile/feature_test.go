package licfile

import "testing"

func TestDecodeFeature(t *testing.T) {
	tests := []struct {
		feature string
		want    FeatureName
		display string
	}{
		{"XDT_PLT_UD", FeatureName{"XDT", "PLT", "UD", "Citrix Virtual Apps and Desktops", "Premium", "User/Device", false},
			"Citrix Virtual Apps and Desktops Premium User/Device"},
		{"XDS_ENT_CCS", FeatureName{"XDS", "ENT", "CCS", "Citrix Virtual Apps and Desktops", "Advanced", "Concurrent System", false},
			"Citrix Virtual Apps and Desktops Advanced Concurrent System"},
		{"MPS_ADV_CCU", FeatureName{"MPS", "ADV", "CCU", "Citrix Virtual Apps", "Advanced", "Concurrent User", false},
			"Citrix Virtual Apps Advanced Concurrent User"},
		{"CXS_STD_CCS", FeatureName{"CXS", "STD", "CCS", "Citrix Hypervisor", "Standard", "Concurrent System", false},
			"Citrix Hypervisor Standard Concurrent System"},
		{"CAG_SMB_RN", FeatureName{"CAG", "SMB", "RN", "Citrix Gateway", "Fundamentals", "Named User", false},
			"Citrix Gateway Fundamentals Named User"},
		{"CNS_PLT_SERVER", FeatureName{"CNS", "PLT", "SERVER", "NetScaler", "Premium", "Server", false},
			"NetScaler Premium Server"},
		{"PVS_STD_CCS", FeatureName{"PVS", "STD", "CCS", "Provisioning Services", "Standard", "Concurrent System", false},
			"Provisioning Services Standard Concurrent System"},
		{"XDTTP_PLT_UD", FeatureName{"XDT", "PLT", "UD", "Citrix Virtual Apps and Desktops", "Premium", "User/Device", true},
			"Citrix Virtual Apps and Desktops Premium User/Device (technology preview)"},
		{"MPSTP_ADV_CCU", FeatureName{"MPS", "ADV", "CCU", "Citrix Virtual Apps", "Advanced", "Concurrent User", true},
			"Citrix Virtual Apps Advanced Concurrent User (technology preview)"},
		{"xdt_plt_ud", FeatureName{"xdt", "plt", "ud", "Citrix Virtual Apps and Desktops", "Premium", "User/Device", false},
			"Citrix Virtual Apps and Desktops Premium User/Device"},
		{"xdttp_plt_ud", FeatureName{"xdt", "plt", "ud", "Citrix Virtual Apps and Desktops", "Premium", "User/Device", true},
			"Citrix Virtual Apps and Desktops Premium User/Device (technology preview)"},
		{"CITRIX", FeatureName{ProductCode: "CITRIX", Product: "Startup licence"}, "Startup licence"},
		{"citrix", FeatureName{ProductCode: "citrix", Product: "Startup licence"}, "Startup licence"},
		// Unknown parts keep their raw code.
		{"XDT_GLD_UD", FeatureName{"XDT", "GLD", "UD", "Citrix Virtual Apps and Desktops", "GLD", "User/Device", false},
			"Citrix Virtual Apps and Desktops GLD User/Device"},
		{"ZZZ_PLT_XYZ", FeatureName{"ZZZ", "PLT", "XYZ", "ZZZ", "Premium", "XYZ", false}, "ZZZ Premium XYZ"},
		{"SMTP_STD_UD", FeatureName{"SMTP", "STD", "UD", "SMTP", "Standard", "User/Device", false}, "SMTP Standard User/Device"},
		{"TP_STD_UD", FeatureName{"TP", "STD", "UD", "TP", "Standard", "User/Device", false}, "TP Standard User/Device"},
		{"CXS_ENT_CCS_EXTRA", FeatureName{"CXS", "ENT", "CCS_EXTRA", "Citrix Hypervisor", "Advanced", "CCS_EXTRA", false},
			"Citrix Hypervisor Advanced CCS_EXTRA"},
		{"MPS_ADV", FeatureName{ProductCode: "MPS", EditionCode: "ADV", Product: "Citrix Virtual Apps", Edition: "Advanced"},
			"Citrix Virtual Apps Advanced"},
		{"PVS", FeatureName{ProductCode: "PVS", Product: "Provisioning Services"}, "Provisioning Services"},
		{"XDT__UD", FeatureName{ProductCode: "XDT", ModelCode: "UD", Product: "Citrix Virtual Apps and Desktops", Model: "User/Device"},
			"Citrix Virtual Apps and Desktops User/Device"},
		{"", FeatureName{}, ""},
		{"\xffTP_X", FeatureName{ProductCode: "\xffTP", EditionCode: "X", Product: "\xffTP", Edition: "X"}, "\xffTP X"},
	}
	for _, tt := range tests {
		t.Run(tt.feature, func(t *testing.T) {
			got := DecodeFeature(tt.feature)
			if got != tt.want {
				t.Errorf("DecodeFeature(%q) = %+v\nwant %+v", tt.feature, got, tt.want)
			}
			if s := got.Display(); s != tt.display {
				t.Errorf("Display() = %q, want %q", s, tt.display)
			}
		})
	}
}
