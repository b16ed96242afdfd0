package licfile

import "strings"

// Citrix ships one XenDesktop purchase as two INCREMENT lines, XDS_… and
// XDT_… (CTX130944); the licence server shows both but the customer owns
// one set. lsui counts the XDT line and drops its XDS twin (DOMAIN.md §2).
//
// The pairing key: an XDS and an XDT line are twins when they agree on
// edition code, model code (both case-insensitive), technology-preview
// flag, version (hence CSS date), count (and uncounted-ness) and serial SN
// (case-insensitive; two lines without SN agree). Expiry and other fields
// are not compared. When several lines share a key they pair one-to-one in
// the order given; a leftover XDS line has no twin and counts on its own.

type twinKey struct {
	edition, model, version, serial string
	techPreview, uncounted          bool
	count                           int
}

func keyOf(l *Line) twinKey {
	return twinKey{
		edition:     strings.ToUpper(l.Name.EditionCode),
		model:       strings.ToUpper(l.Name.ModelCode),
		version:     l.Version,
		serial:      strings.ToUpper(l.Serial),
		techPreview: l.Name.TechPreview,
		uncounted:   l.Uncounted,
		count:       l.Count,
	}
}

func isXDS(l *Line) bool { return strings.EqualFold(l.Name.ProductCode, "XDS") }
func isXDT(l *Line) bool { return strings.EqualFold(l.Name.ProductCode, "XDT") }

// twins maps each paired XDS line to its XDT twin.
func twins(lines []*Line) map[*Line]*Line {
	unpaired := map[twinKey][]*Line{}
	for _, l := range lines {
		if l != nil && isXDT(l) {
			k := keyOf(l)
			unpaired[k] = append(unpaired[k], l)
		}
	}
	pairs := map[*Line]*Line{}
	if len(unpaired) == 0 {
		return pairs
	}
	for _, l := range lines {
		if l == nil || !isXDS(l) {
			continue
		}
		k := keyOf(l)
		if q := unpaired[k]; len(q) > 0 {
			pairs[l] = q[0]
			unpaired[k] = q[1:]
		}
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
