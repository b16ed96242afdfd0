package licfile

import "strings"

// Citrix ships one XenDesktop purchase as two INCREMENT lines, XDS_… and
// XDT_… (CTX130944); the licence server shows both but the customer owns
// one set. lsui counts the XDT line and drops its XDS twin (DOMAIN.md §2).
//
// The pairing key: an XDS and an XDT line are twins when they agree on
// edition code, model code (both case-insensitive), technology-preview
// flag, version and CSS date, and count (and uncounted-ness). Expiry and
// the other fields are not compared.
//
// The serial (SN) is deliberately not part of the key: Citrix publishes
// nothing saying both halves carry the same SN, and requiring it would
// double-count a purchase whose halves differ. Pairing is one-to-one, and
// both halves have the same count, so which XDT an XDS pairs with never
// changes a total; the serial only picks the better partner: first every
// XDS pairs with an unpaired XDT of the same key and the same serial
// (case-insensitive), then the remaining ones pair in the order given. An
// XDS line left over has no twin and counts on its own.

// EntitlementKey is what a feature counts against, for the pairing here and
// for the entitlements: product (XDS counted as XDT, its twin), edition and
// model codes, all upper case, since feature names compare case-insensitively
// (a lower-case xdt_plt_ud line is XDT_PLT_UD), and the technology-preview
// flag.
type EntitlementKey struct {
	Product, Edition, Model string
	TechPreview             bool
}

// Concurrent reports a concurrent model (CCU, CCS): in use means checked
// out now (DOMAIN.md §4.4). See Assigned for the others.
func (k EntitlementKey) Concurrent() bool { return k.Model == "CCU" || k.Model == "CCS" }

// Assigned reports a model whose licences are assigned to a user or device
// for a lease (UD, RN): in use means assigned now, which udadmin lists.
// SERVER and unknown models are neither assigned nor concurrent.
func (k EntitlementKey) Assigned() bool { return k.Model == "UD" || k.Model == "RN" }

// KeyOf is the one owner of that rule.
func KeyOf(n FeatureName) EntitlementKey {
	p := strings.ToUpper(n.ProductCode)
	if p == "XDS" {
		p = "XDT"
	}
	return EntitlementKey{p, strings.ToUpper(n.EditionCode), strings.ToUpper(n.ModelCode), n.TechPreview}
}

type twinKey struct {
	edition, model, version string
	css                     Date
	techPreview, uncounted  bool
	count                   int
}

func keyOf(l *Line) twinKey {
	k := KeyOf(l.Name)
	return twinKey{
		edition:     k.Edition,
		model:       k.Model,
		version:     l.Version,
		css:         l.CSSDate,
		techPreview: k.TechPreview,
		uncounted:   l.Uncounted,
		count:       l.Count,
	}
}

func isXDS(l *Line) bool { return strings.EqualFold(l.Name.ProductCode, "XDS") }
func isXDT(l *Line) bool { return strings.EqualFold(l.Name.ProductCode, "XDT") }

// twins maps each paired XDS line to its XDT twin. Queues keep it linear
// however many identical lines a file holds.
func twins(lines []*Line) map[*Line]*Line {
	type serialKey struct {
		twinKey
		serial string
	}
	byKey := map[twinKey][]*Line{}
	bySerial := map[serialKey][]*Line{}
	for _, l := range lines {
		if l != nil && isXDT(l) {
			k := keyOf(l)
			byKey[k] = append(byKey[k], l)
			sk := serialKey{k, strings.ToUpper(l.Serial)}
			bySerial[sk] = append(bySerial[sk], l)
		}
	}
	pairs := map[*Line]*Line{}
	if len(byKey) == 0 {
		return pairs
	}
	taken := map[*Line]bool{}
	for _, xds := range lines {
		if xds == nil || !isXDS(xds) || pairs[xds] != nil {
			continue
		}
		sk := serialKey{keyOf(xds), strings.ToUpper(xds.Serial)}
		if q := bySerial[sk]; len(q) > 0 {
			pairs[xds], taken[q[0]] = q[0], true
			bySerial[sk] = q[1:]
		}
	}
	for _, xds := range lines {
		if xds == nil || !isXDS(xds) || pairs[xds] != nil {
			continue
		}
		k := keyOf(xds)
		q := byKey[k]
		for len(q) > 0 && taken[q[0]] {
			q = q[1:]
		}
		if len(q) > 0 {
			pairs[xds], taken[q[0]] = q[0], true
			q = q[1:]
		}
		byKey[k] = q
	}
	return pairs
}

// PairTwins sets Twin on both halves of every XDS/XDT pair in lines and
// clears it on the other XDS and XDT lines there. Parse calls it per file;
// call it again on the merged lines of several files.
func PairTwins(lines []*Line) {
	for _, l := range lines {
		if l != nil && (isXDS(l) || isXDT(l)) {
			l.Twin = nil
		}
	}
	for xds, xdt := range twins(lines) {
		xds.Twin, xdt.Twin = xdt, xds
	}
}

// CountsAsEntitlement reports whether the line adds to an entitlement: not
// the startup licence, and not the XDS half of a pair (as Twin records it).
func (l *Line) CountsAsEntitlement() bool {
	if l.IsStartup() {
		return false
	}
	return !(isXDS(l) && l.Twin != nil)
}

// Entitled returns the lines of the set that count, in their order: the
// startup licence and every XDS line whose XDT twin is in the same set are
// dropped. It pairs within lines itself and does not touch Twin, so it is
// safe on a snapshot other goroutines read.
func Entitled(lines []*Line) []*Line {
	paired := twins(lines)
	out := make([]*Line, 0, len(lines))
	for _, l := range lines {
		if l == nil || l.IsStartup() {
			continue
		}
		if _, ok := paired[l]; ok {
			continue
		}
		out = append(out, l)
	}
	return out
}
