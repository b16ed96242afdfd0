package model

import (
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/lsui/lsui/internal/model/licfile"
	"github.com/lsui/lsui/internal/model/usage"
)

// Entitlement is what the Licensing Manager shows per product, edition,
// model and CSS date (DOMAIN.md §3). Available = Installed + Overdraft −
// InUse, and every part is kept because admins find the sum confusing.
type Entitlement struct {
	Feature string // the feature name of its lines (the XDT one for XDS/XDT pairs)
	Name    licfile.FeatureName
	CSSDate licfile.Date

	Installed int // licences on lines not yet expired
	Overdraft int // floor(count × ODP / 100) summed over the same lines
	Expired   int // licences on lines that have expired (not installed any more)
	InUse     int // distinct identities holding it this month
	Available int // Installed + Overdraft − InUse; may be negative
	Uncounted bool

	Expires   licfile.Date // earliest expiry among live lines; zero when Permanent
	Permanent bool
	Types     []string // licence types (LT) seen, sorted
	CSP       bool
	Lines     []*licfile.Line
}

// OverInstalled and OverLimit are the check's WARNING and CRITICAL states.
func (e Entitlement) OverInstalled() bool { return !e.Uncounted && e.InUse > e.Installed }
func (e Entitlement) OverLimit() bool     { return !e.Uncounted && e.InUse > e.Installed+e.Overdraft }

type entKey struct {
	product, edition, model string
	css                     licfile.Date
}

// usageKey maps a feature to the product/edition/model its checkouts count
// against. XDS and XDT lines of one purchase share an entitlement, so an XDS
// checkout counts against the XDT entitlement.
func usageKey(n licfile.FeatureName) [3]string {
	p := n.ProductCode
	if p == "XDS" {
		p = "XDT"
	}
	return [3]string{p, n.EditionCode, n.ModelCode}
}

// Entitlements groups the licence lines that count (startup licence and the
// XDS half of each pair left out) and attributes this month's users to them.
// When one product/edition/model has several CSS dates, users fill the group
// with the newest CSS date first, as the licence server hands out the newest
// eligible licence first; whatever does not fit lands on the newest group.
func Entitlements(lines []*licfile.Line, rep *usage.Report, now time.Time, settings *Settings) []Entitlement {
	today := licfile.DateOf(now)
	index := map[entKey]int{}
	var ents []Entitlement
	for _, l := range licfile.Entitled(lines) {
		k := entKey{l.Name.ProductCode, l.Name.EditionCode, l.Name.ModelCode, l.CSSDate}
		if k.product == "XDS" {
			k.product = "XDT"
		}
		i, ok := index[k]
		if !ok {
			i = len(ents)
			index[k] = i
			ents = append(ents, Entitlement{Feature: l.Feature, Name: l.Name, CSSDate: l.CSSDate, Permanent: true})
		}
		e := &ents[i]
		e.Lines = append(e.Lines, l)
		if strings.EqualFold(l.LicenseType, "CSP") || (settings != nil && settings.IsCSPFeature(l.Feature)) {
			e.CSP = true
		}
		if l.LicenseType != "" && !contains(e.Types, l.LicenseType) {
			e.Types = append(e.Types, l.LicenseType)
			sort.Strings(e.Types)
		}
		expired := !l.Permanent && l.Expires.Before(today)
		if l.Uncounted {
			e.Uncounted = true
		}
		if expired {
			e.Expired += l.Count
			continue
		}
		e.Installed += l.Count
		e.Overdraft += l.Overdraft()
		if !l.Permanent {
			if e.Permanent || l.Expires.Before(e.Expires) {
				e.Expires = l.Expires
			}
			e.Permanent = false
		}
	}
	// A group whose every line expired has no live expiry; show the latest
	// expired date instead of "permanent".
	for i := range ents {
		e := &ents[i]
		if e.Installed == 0 && e.Expired > 0 && e.Permanent {
			e.Permanent = false
			for _, l := range e.Lines {
				if !l.Permanent && e.Expires.Before(l.Expires) {
					e.Expires = l.Expires
				}
			}
		}
	}
	attributeUsage(ents, rep)
	for i := range ents {
		ents[i].Available = ents[i].Installed + ents[i].Overdraft - ents[i].InUse
	}
	sort.SliceStable(ents, func(a, b int) bool {
		ka, kb := ents[a].Name, ents[b].Name
		if ka.ProductCode != kb.ProductCode {
			return ka.ProductCode < kb.ProductCode
		}
		if ka.EditionCode != kb.EditionCode {
			return ka.EditionCode < kb.EditionCode
		}
		if ka.ModelCode != kb.ModelCode {
			return ka.ModelCode < kb.ModelCode
		}
		return ents[b].CSSDate.Before(ents[a].CSSDate)
	})
	return ents
}

func attributeUsage(ents []Entitlement, rep *usage.Report) {
	if rep == nil {
		return
	}
	// Distinct identities per usage key: one person using XDT_PLT_UD and
	// XDS_PLT_UD holds one licence.
	holders := map[[3]string]int{}
	keys := map[string][3]string{} // each feature decoded once
	var seen [][3]string           // an identity's keys so far; a few at most
	for _, id := range rep.Identities {
		seen = seen[:0]
		for _, f := range id.Features {
			k, ok := keys[f]
			if !ok {
				k = usageKey(licfile.DecodeFeature(f))
				keys[f] = k
			}
			if !slices.Contains(seen, k) {
				seen = append(seen, k)
				holders[k]++
			}
		}
	}
	groups := map[[3]string][]int{}
	for i, e := range ents {
		k := usageKey(e.Name)
		groups[k] = append(groups[k], i)
	}
	for k, idx := range groups {
		n := holders[k]
		sort.SliceStable(idx, func(a, b int) bool { return ents[idx[b]].CSSDate.Before(ents[idx[a]].CSSDate) })
		// Installed licences are used before any overdraft, newest CSS date
		// first; what is left over lands on the newest group.
		for _, room := range []func(e *Entitlement) int{
			func(e *Entitlement) int { return e.Installed - e.InUse },
			func(e *Entitlement) int { return e.Installed + e.Overdraft - e.InUse },
		} {
			for _, i := range idx {
				e := &ents[i]
				take := min(n, max(room(e), 0))
				if e.Uncounted {
					take = n
				}
				e.InUse += take
				n -= take
			}
		}
		if n > 0 && len(idx) > 0 {
			ents[idx[0]].InUse += n
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
