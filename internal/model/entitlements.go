package model

import (
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/lsui/lsui/internal/model/licfile"
	"github.com/lsui/lsui/internal/model/lmstat"
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
	// InUse is what the Licensing Manager shows as in use (DOMAIN.md §4.4):
	// for user/device and named-user licences those assigned now, for
	// concurrent ones those checked out now. InUseSource says from what.
	InUse       int
	InUseSource string // InUseUdadmin, InUseLmstat or InUseLog
	ThisMonth   int    // distinct identities this calendar month: what call-home reports
	PeakMonth   int    // most checked out at once this month (concurrent models)
	Available   int    // Installed + Overdraft − InUse; may be negative; 0 when InstalledUnknown
	Uncounted   bool
	// InstalledUnknown: no licence file says how many are installed (a
	// License Activation Service server, DOMAIN.md §2.6); the entitlement
	// lists a feature in use.
	InstalledUnknown bool

	Expires   licfile.Date // earliest expiry among live lines; zero when Permanent or InstalledUnknown
	Permanent bool         // false when InstalledUnknown: no licence says it
	Types     []string     // licence types (LT) seen, sorted
	CSP       bool
	Lines     []*licfile.Line
}

// Where InUse comes from.
const (
	InUseUdadmin = "udadmin" // the udadmin listing's assignments
	InUseLmstat  = "lmstat"  // lmstat -a's "Total of M licenses in use"
	InUseLog     = "log"     // the debug logs: leases within LP days, or open checkouts
)

// DefaultLeaseDays is a user/device assignment's lease when no line says LP.
const DefaultLeaseDays = 90

// OverInstalled and OverLimit are the check's WARNING and CRITICAL states.
func (e Entitlement) OverInstalled() bool {
	return !e.Uncounted && !e.InstalledUnknown && e.InUse > e.Installed
}
func (e Entitlement) OverLimit() bool {
	return !e.Uncounted && !e.InstalledUnknown && e.InUse > e.Installed+e.Overdraft
}

type entKey struct {
	licfile.EntitlementKey
	css licfile.Date
}

// Entitlements groups the licence lines that count (startup licence and the
// XDS half of each pair left out) and attributes this month's users to them.
// When one product/edition/model has several CSS dates, users fill the group
// with the newest CSS date first, as the licence server hands out the newest
// eligible licence first; whatever does not fit lands on the newest group.
//
// In use follows the licence model (see InUse); live, when not nil, is the
// lmstat listing for concurrent models. With no entitled line at all (a
// License Activation Service server), every feature in use is listed with
// InstalledUnknown.
func Entitlements(lines []*licfile.Line, rep *usage.Report, live *lmstat.Listing, now time.Time, settings *Settings) []Entitlement {
	today := licfile.DateOf(now)
	index := map[entKey]int{}
	var ents []Entitlement
	for _, l := range licfile.Entitled(lines) {
		k := entKey{licfile.KeyOf(l.Name), l.CSSDate}
		i, ok := index[k]
		if !ok {
			i = len(ents)
			index[k] = i
			ents = append(ents, Entitlement{Feature: l.Feature, Name: l.Name, CSSDate: l.CSSDate, Permanent: true})
		}
		e := &ents[i]
		e.Lines = append(e.Lines, l)
		if IsCSPLine(l, settings) {
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
	if len(ents) == 0 {
		ents = unknownInstalled(rep, live, settings)
	}
	attributeUsage(ents, countUsage(ents, rep, live, now))
	for i := range ents {
		if ents[i].InstalledUnknown {
			continue
		}
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

// keyUsage is one entitlement key's figures before they are spread over its
// CSS dates.
type keyUsage struct {
	inUse, thisMonth, peak int
	source                 string
	// leaseSince is when a last use still holds a lease (log-derived in
	// use of assigned models): now less the key's longest LP.
	leaseSince time.Time
	// lastUses is the report's last uses of the key's features, one run
	// per feature as the report lists them (see holders).
	lastUses []lastUseRun
}

// featureKey is one feature spelling's entitlement key and its figures,
// nil when no entitlement counts it.
type featureKey struct {
	key licfile.EntitlementKey
	u   *keyUsage
}

// countUsage applies DOMAIN.md §4.4 per entitlement key: this month's
// distinct identities; in use as assigned now (UD, RN: udadmin, else last use
// within the lease) or checked out now (CCU, CCS: lmstat, else the log's open
// checkouts); the month's peak. Other models (SERVER, unknown codes) are
// neither assigned nor followed in the log: lmstat's in use when it lists
// the feature, else this month's distinct identities, from the log. Connections (the start-up licence, machine
// accounts) are not in the report's identities, leases, open checkouts or
// peaks.
//
// A real server has 100k identities and as many last uses a month: each
// feature spelling is decoded and looked up once (features), and the
// per-identity loops touch no map keyed by the entitlement key.
func countUsage(ents []Entitlement, rep *usage.Report, live *lmstat.Listing, now time.Time) map[licfile.EntitlementKey]*keyUsage {
	out := map[licfile.EntitlementKey]*keyUsage{}
	lease := map[licfile.EntitlementKey]int{}
	for _, e := range ents {
		k := licfile.KeyOf(e.Name)
		if out[k] == nil {
			out[k] = &keyUsage{}
		}
		for _, l := range e.Lines {
			lease[k] = max(lease[k], l.LeaseDays)
		}
	}
	for k, u := range out {
		days := lease[k]
		if days <= 0 {
			days = DefaultLeaseDays
		}
		u.leaseSince = now.AddDate(0, 0, -days)
	}
	features := map[string]featureKey{}
	keyOf := func(f string) featureKey {
		fk, ok := features[f]
		if !ok {
			fk.key = licfile.KeyOf(licfile.DecodeFeature(f))
			fk.u = out[fk.key]
			features[f] = fk
		}
		return fk
	}
	if rep == nil {
		rep = &usage.Report{}
	}
	// This month: one person using XDT_PLT_UD and XDS_PLT_UD holds one
	// licence. Identities that used the same features mostly share one
	// Features list (the report's lists are few), so each list's keys are
	// found once.
	keysOfList := map[sharedList][]*keyUsage{}
	for i := range rep.IdentityCount() {
		features := rep.FeaturesAt(i)
		list, shared := sharedListOf(features)
		keys, ok := keysOfList[list]
		if !shared || !ok {
			keys = nil
			for _, f := range features {
				if u := keyOf(f).u; u != nil && !slices.Contains(keys, u) {
					keys = append(keys, u)
				}
			}
			if shared && len(keysOfList) < maxSharedLists {
				keysOfList[list] = keys
			}
		}
		for _, u := range keys {
			u.thisMonth++
		}
	}
	// Assigned now: the last uses come feature by feature, each feature's
	// run of them looked up once.
	for from, n := 0, rep.LastUseCount(); from < n; {
		feature := rep.LastUseFeatureAt(from)
		to := from + 1
		for to < n && rep.LastUseFeatureAt(to) == feature {
			to++
		}
		if fk := keyOf(feature); fk.u != nil && fk.key.Assigned() {
			fk.u.lastUses = append(fk.u.lastUses, lastUseRun{rep, from, to})
		}
		from = to
	}
	// Checked out now.
	liveUse := map[licfile.EntitlementKey]int{}
	liveSeen := map[licfile.EntitlementKey]bool{}
	if live != nil && !live.Down() {
		for _, f := range live.Features {
			if f.Error != "" {
				continue
			}
			k := keyOf(f.Name).key
			liveUse[k] += f.InUse
			liveSeen[k] = true
		}
	}
	logUse := map[licfile.EntitlementKey]int{}
	for _, c := range rep.Open {
		logUse[keyOf(c.Feature).key] += c.Licenses
	}
	for _, p := range rep.Peaks {
		if u := keyOf(p.Feature).u; u != nil {
			u.peak += p.Month
		}
	}
	for k, u := range out {
		switch {
		case k.Concurrent() && liveSeen[k]:
			u.inUse, u.source = liveUse[k], InUseLmstat
		case k.Concurrent():
			u.inUse, u.source = logUse[k], InUseLog
		case k.Assigned() && rep.Udadmin:
			u.inUse, u.source = holders(u.lastUses, func(lu *usage.LastUse) bool { return lu.Assigned }), InUseUdadmin
		case k.Assigned():
			u.inUse, u.source = holders(u.lastUses, func(lu *usage.LastUse) bool {
				return !lu.Last.Before(u.leaseSince) && !lu.Last.After(now)
			}), InUseLog
		case liveSeen[k]:
			// SERVER and unknown models: the server's own count when
			// lmstat lists the feature.
			u.inUse, u.source = liveUse[k], InUseLmstat
		default:
			// The log is followed for open checkouts of concurrent
			// features only, and udadmin assigns only UD and RN: the
			// nearest the log says is who used the feature this month.
			u.inUse, u.source = u.thisMonth, InUseLog
		}
	}
	return out
}

// holders counts the identities (LastUse.Key) that hold one of a key's
// features now: whose last use in runs holds says does. Within one run (one
// feature) keys are distinct already: a report has one last use per
// identity and feature. Two runs in key order (XDT_PLT_UD's and
// XDS_PLT_UD's, as the report lists them) are merged, so one person
// holding both counts once; a set counts any others.
func holders(runs []lastUseRun, holds func(*usage.LastUse) bool) int {
	var la usage.LastUse // holds may keep its pointer
	switch {
	case len(runs) == 1:
		n := 0
		for i := runs[0].from; i < runs[0].to; i++ {
			la = runs[0].rep.LastUseAt(i)
			n += btoi(holds(&la))
		}
		return n
	case len(runs) == 2:
		if n, ok := mergedHolders(runs[0], runs[1], holds); ok {
			return n
		}
	}
	set := map[string]bool{}
	for _, r := range runs {
		for i := r.from; i < r.to; i++ {
			if la = r.rep.LastUseAt(i); holds(&la) {
				set[la.Key] = true
			}
		}
	}
	return len(set)
}

// lastUseRun is one feature's run of the report's last uses, [from, to)
// by index: a payload build's report makes them on demand
// (usage.ReadOptions.IdentitiesOnDemand) and holds no LastUses slice.
type lastUseRun struct {
	rep      *usage.Report
	from, to int
}

// mergedHolders is holders of two runs in key order, merged so that one
// person holding both counts once. ok is false, as soon as it shows, when
// a run is not in key order: then only a set tells. Checking the order as
// the merge goes reads each last use once.
func mergedHolders(a, b lastUseRun, holds func(*usage.LastUse) bool) (n int, ok bool) {
	ca, cb := runCursor{run: a}, runCursor{run: b}
	ca.next()
	cb.next()
	for ca.valid && cb.valid {
		switch c := strings.Compare(ca.lu.Key, cb.lu.Key); {
		case c < 0:
			n += btoi(holds(&ca.lu))
			ca.next()
		case c > 0:
			n += btoi(holds(&cb.lu))
			cb.next()
		default:
			n += btoi(holds(&ca.lu) || holds(&cb.lu))
			ca.next()
			cb.next()
		}
		if ca.disorder || cb.disorder {
			return 0, false
		}
	}
	for _, c := range []*runCursor{&ca, &cb} {
		for c.valid {
			n += btoi(holds(&c.lu))
			if c.next(); c.disorder {
				return 0, false
			}
		}
	}
	return n, true
}

// runCursor walks a run's last uses; disorder says a key came that was not
// after the one before it.
type runCursor struct {
	run             lastUseRun
	lu              usage.LastUse // holds may keep its pointer: one per run
	valid, disorder bool
}

func (c *runCursor) next() {
	if c.run.from == c.run.to {
		c.valid = false
		return
	}
	prev, had := c.lu.Key, c.valid
	c.lu, c.valid = c.run.rep.LastUseAt(c.run.from), true
	c.run.from++
	c.disorder = c.disorder || (had && c.lu.Key <= prev)
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// unknownInstalled lists the features in use when no licence file says what
// is installed: one entitlement per key, installed unknown.
func unknownInstalled(rep *usage.Report, live *lmstat.Listing, settings *Settings) []Entitlement {
	var ents []Entitlement
	index := map[licfile.EntitlementKey]bool{}
	add := func(feature string) {
		n := licfile.DecodeFeature(feature)
		k := licfile.KeyOf(n)
		if index[k] || strings.EqualFold(feature, usage.StartupFeature) {
			return
		}
		index[k] = true
		// No licence describes it: expiry, overdraft and licence type are
		// unknown, not permanent or 0 (Expires zero, Permanent false).
		e := Entitlement{Feature: strings.ToUpper(feature), Name: n, InstalledUnknown: true}
		e.CSP = settings != nil && settings.IsCSPFeature(feature)
		ents = append(ents, e)
	}
	if rep != nil {
		for _, f := range rep.Features {
			add(f.Feature)
		}
		for lu := range rep.AllLastUses() {
			add(lu.Feature)
		}
		for _, c := range rep.Open {
			add(c.Feature)
		}
	}
	if live != nil && !live.Down() {
		for _, f := range live.Features {
			if f.InUse > 0 {
				add(f.Name)
			}
		}
	}
	return ents
}

// attributeUsage spreads each key's figures over its CSS dates: installed
// licences are used before any overdraft, newest CSS date first, as the
// licence server hands out the newest eligible licence first; what is left
// over lands on the newest group.
func attributeUsage(ents []Entitlement, counts map[licfile.EntitlementKey]*keyUsage) {
	groups := map[licfile.EntitlementKey][]int{}
	for i, e := range ents {
		k := licfile.KeyOf(e.Name)
		groups[k] = append(groups[k], i)
	}
	for k, idx := range groups {
		u := counts[k]
		if u == nil {
			continue
		}
		sort.SliceStable(idx, func(a, b int) bool { return ents[idx[b]].CSSDate.Before(ents[idx[a]].CSSDate) })
		for _, i := range idx {
			ents[i].InUseSource = u.source
		}
		fill(ents, idx, u.inUse, func(e *Entitlement) *int { return &e.InUse })
		fill(ents, idx, u.thisMonth, func(e *Entitlement) *int { return &e.ThisMonth })
		fill(ents, idx, u.peak, func(e *Entitlement) *int { return &e.PeakMonth })
	}
}

// fill spreads n over the groups idx (newest CSS date first) into the field
// field picks.
func fill(ents []Entitlement, idx []int, n int, field func(*Entitlement) *int) {
	for _, room := range []func(e *Entitlement) int{
		func(e *Entitlement) int { return e.Installed - *field(e) },
		func(e *Entitlement) int { return e.Installed + e.Overdraft - *field(e) },
	} {
		for _, i := range idx {
			e := &ents[i]
			take := min(n, max(room(e), 0))
			if e.Uncounted || e.InstalledUnknown {
				take = n
			}
			*field(e) += take
			n -= take
		}
	}
	if n > 0 && len(idx) > 0 {
		*field(&ents[idx[0]]) += n
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
