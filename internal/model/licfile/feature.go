package licfile

import "strings"

// Product, edition and model display names use Citrix's current names;
// DOMAIN.md §2 lists the older ones.
var (
	productNames = map[string]string{
		// XDT and XDS are both XenDesktop: Citrix ships a purchase as a
		// pair of lines, XDS for old XenDesktop releases and XDT for newer
		// ones (CTX130944). See PairTwins.
		"XDT": "Citrix Virtual Apps and Desktops",
		"XDS": "Citrix Virtual Apps and Desktops",
		"MPS": "Citrix Virtual Apps", // XenApp, once MetaFrame Presentation Server
		"CXS": "Citrix Hypervisor",   // XenServer
		"CAG": "Citrix Gateway",      // Access Gateway
		"CNS": "NetScaler",
		"PVS": "Provisioning Services",
	}
	editionNames = map[string]string{
		"PLT": "Premium",  // Platinum
		"ENT": "Advanced", // Enterprise
		"ADV": "Advanced",
		"STD": "Standard", // also VDI
		"SMB": "Fundamentals",
	}
	modelNames = map[string]string{
		"UD":     "User/Device",
		"CCU":    "Concurrent User",
		"CCS":    "Concurrent System",
		"RN":     "Named User",
		"SERVER": "Server",
	}
)

// StartupProduct is the Product of the startup licence, feature CITRIX.
const StartupProduct = "Startup licence"

// StartupFeature is the start-up licence's feature, in any case.
const StartupFeature = "CITRIX"

// DecodeFeature splits a feature name PRODUCT_EDITION_MODEL into codes and
// display names. Codes keep their spelling; lookups ignore case. Anything
// after the second "_" is the model code (an unknown model keeps it whole).
// A "TP" suffix marks a technology preview only when what precedes it is a
// known product, so an unknown product that happens to end in TP stays raw.
func DecodeFeature(feature string) FeatureName {
	if strings.EqualFold(feature, StartupFeature) {
		return FeatureName{ProductCode: feature, Product: StartupProduct}
	}
	var n FeatureName
	parts := strings.SplitN(feature, "_", 3)
	n.ProductCode = parts[0]
	if len(parts) > 1 {
		n.EditionCode = parts[1]
	}
	if len(parts) > 2 {
		n.ModelCode = parts[2]
	}
	if code := n.ProductCode; len(code) > 2 && strings.EqualFold(code[len(code)-2:], "TP") {
		if _, known := productNames[strings.ToUpper(code[:len(code)-2])]; known {
			n.ProductCode = code[:len(code)-2]
			n.TechPreview = true
		}
	}
	n.Product = displayName(productNames, n.ProductCode)
	n.Edition = displayName(editionNames, n.EditionCode)
	n.Model = displayName(modelNames, n.ModelCode)
	return n
}

func displayName(names map[string]string, code string) string {
	if name, ok := names[strings.ToUpper(code)]; ok {
		return name
	}
	return code
}

// Display is the full name, e.g. "Citrix Virtual Apps and Desktops Premium
// User/Device", with " (technology preview)" appended for TP features.
func (n FeatureName) Display() string {
	var parts []string
	for _, s := range []string{n.Product, n.Edition, n.Model} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	s := strings.Join(parts, " ")
	if n.TechPreview {
		s += " (technology preview)"
	}
	return s
}
