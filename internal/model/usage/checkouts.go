package usage

import (
	"slices"
	"strings"
	"time"

	"github.com/lsui/lsui/internal/model/ident"
	"github.com/lsui/lsui/internal/model/licfile"
)

// Open checkouts of concurrent features (DOMAIN.md §4.4): each OUT opens
// one, of N licences with "(N licenses)"; its IN (same feature, same
// user@host in any case) closes it, newest first; a server (re)start closes
// all. Only concurrent features (model CCU or CCS) are followed: for the
// others "in use" is an assignment, and following every user/device
// checkout would cost memory for nothing.
//
// A scan that starts mid-log (a range of the split scan) cannot know what
// was open before it, so it keeps what its INs closed that it never saw open
// (closedBefore) and whether a restart wiped the slate (restarted): applying
// that to the state before it (Builder.compose) gives exactly what one scan
// from the top would have.

// coID is one user@host, shared by its spellings that differ only in case.
// It holds its own open checkouts, so a checkout or checkin finds them
// through the spelling it looked up anyway, with no second lookup.
type coID struct {
	token  string
	open   []openCheckout // of every feature, oldest first
	listed bool           // in checkouts.ids
	idx    uint32         // in Builder.coIDList
	// first holds open while it has one checkout, as nearly always: in
	// the coID's own cache lines, not in an array of its own elsewhere,
	// a miss for every checkin at a real server's size.
	first [1]openCheckout
}

// coKey is one feature's checkouts by one user@host.
type coKey struct {
	feature int32
	id      *coID
}

type openCheckout struct {
	start    int64
	licenses int
	feature  int32
	token    string // as this OUT wrote it
}

// checkouts is a Builder's open checkouts: in the coIDs that hold them,
// listed in ids so a restart or a report need not visit every identity.
type checkouts struct {
	ids          []*coID // every coID with an open checkout (and maybe some closed since)
	closedBefore map[coKey]int
	restarted    bool
	level        []int // per feature index, licences open now
}

func newCheckouts() checkouts {
	return checkouts{closedBefore: map[coKey]int{}}
}

// levelOf is the feature's slot in level, grown as features appear.
func (c *checkouts) levelOf(feature int32) *int {
	if int(feature) >= len(c.level) {
		c.level = append(c.level, make([]int, int(feature)+1-len(c.level))...)
	}
	return &c.level[feature]
}

// isConcurrent is licfile's rule for a feature name.
func isConcurrent(feature string) bool {
	return licfile.KeyOf(licfile.DecodeFeature(feature)).Concurrent()
}

// apply opens (Out) or closes (In) n licences of feature by id; before and
// after are the feature's level around it.
func (c *checkouts) apply(op Op, feature int32, id *coID, token string, sec int64, n int) (before, after int) {
	level := c.levelOf(feature)
	before = *level
	switch op {
	case Out:
		c.add(id, openCheckout{start: sec, licenses: n, feature: feature, token: token})
		*level += n
	case In:
		left := c.close(id, feature, n)
		*level -= n - left
		if left > 0 && !c.restarted {
			c.closedBefore[coKey{feature, id}] += left
		}
	}
	return before, *level
}

// add opens a checkout, the newest of id's.
func (c *checkouts) add(id *coID, o openCheckout) {
	if !id.listed {
		id.listed = true
		c.ids = append(c.ids, id)
	}
	if id.open == nil {
		id.open = id.first[:0]
	}
	id.open = append(id.open, o)
}

// close takes n licences from id's newest checkouts of feature; it returns
// what it could not find open.
func (c *checkouts) close(id *coID, feature int32, n int) int {
	list := id.open
	for i := len(list) - 1; n > 0 && i >= 0; i-- {
		if list[i].feature != feature {
			continue
		}
		take := min(n, list[i].licenses)
		list[i].licenses -= take
		n -= take
		if list[i].licenses == 0 {
			list = slices.Delete(list, i, i+1)
		}
	}
	id.open = list // kept when empty: the next OUT reuses it
	return n
}

// clearOpen ends every open checkout.
func (c *checkouts) clearOpen() {
	for _, id := range c.ids {
		clear(id.open)
		id.open, id.listed = id.open[:0], false
	}
	c.ids = c.ids[:0]
	clear(c.closedBefore)
}

func (c *checkouts) restart() {
	c.clearOpen()
	clear(c.level)
	c.restarted = true
}

// coIDOf is the checkout identity of a token.
func (b *Builder) coIDOf(token string) *coID {
	lower := strings.ToLower(token)
	if i, added := b.coKeys.intern(lower); !added {
		return b.coIDList.at(i)
	}
	id := b.coIDList.add()
	id.token, id.idx = token, b.coIDList.n-1
	return id
}

// openSet is a copy of a Builder's open checkouts, by user@host: what a
// range of the split scan starts from.
type openSet []openEntry

type openEntry struct {
	token string // the coID's
	open  []openCheckout
}

func (s openSet) empty() bool { return len(s) == 0 }

// cloneCheckouts is a deep copy of b's open checkouts (what startFrom reads).
func (b *Builder) cloneCheckouts() openSet {
	var out openSet
	for _, id := range b.co.ids {
		if len(id.open) > 0 {
			out = append(out, openEntry{token: id.token, open: slices.Clone(id.open)})
		}
	}
	return out
}

// addOpen adds o's open checkouts of one user@host (o's feature indexes) to
// b's, after b's own.
func (b *Builder) addOpen(o *Builder, token string, open []openCheckout) {
	id := b.coIDOf(token)
	for _, oc := range open {
		oc.feature = b.featureIndex(o.featNames[oc.feature])
		b.co.add(id, oc)
	}
}

// compose applies o's checkouts (a later stretch of the same log, scanned
// on its own) to b's.
func (b *Builder) compose(o *Builder) {
	c := &b.co
	if o.co.restarted {
		c.clearOpen()
		c.restarted = true
	} else {
		for ok, n := range o.co.closedBefore {
			fi, id := b.featureIndex(o.featNames[ok.feature]), b.coIDOf(ok.id.token)
			if left := c.close(id, fi, n); left > 0 && !c.restarted {
				c.closedBefore[coKey{fi, id}] += left
			}
		}
	}
	for _, oid := range o.co.ids {
		if len(oid.open) > 0 {
			b.addOpen(o, oid.token, oid.open)
		}
	}
	b.relevel()
}

// relevel recomputes the levels from the open checkouts.
func (b *Builder) relevel() {
	clear(b.co.level)
	for _, id := range b.co.ids {
		for _, o := range id.open {
			*b.co.levelOf(o.feature) += o.licenses
		}
	}
}

// startFrom sets b's checkouts to a copy of state, o's open checkouts.
func (b *Builder) startFrom(o *Builder, state *openSet) {
	b.co = newCheckouts()
	for _, e := range *state {
		b.addOpen(o, e.token, e.open)
	}
	b.relevel()
}

// Checkout is one checkout of a concurrent feature open at the end of the
// logs.
type Checkout struct {
	Feature    string // as first spelled
	Identity   string // the user@host token, as its OUT wrote it
	User, Host string // Identity split at its last "@"
	Start      time.Time
	Licenses   int
}

func (b *Builder) openList() []Checkout {
	n := 0
	for _, id := range b.co.ids {
		n += len(id.open)
	}
	out := make([]Checkout, 0, n)
	for _, id := range b.co.ids {
		for _, o := range id.open {
			user, host := ident.SplitUserHost(o.token)
			out = append(out, Checkout{
				Feature: b.featNames[o.feature], Identity: o.token, User: user, Host: host,
				Start: time.Unix(o.start, 0).In(b.loc), Licenses: o.licenses,
			})
		}
	}
	slices.SortStableFunc(out, func(x, y Checkout) int {
		if c := strings.Compare(x.Feature, y.Feature); c != 0 {
			return c
		}
		if c := x.Start.Compare(y.Start); c != 0 {
			return c
		}
		if c := strings.Compare(x.Identity, y.Identity); c != 0 {
			return c
		}
		return x.Licenses - y.Licenses
	})
	return out
}

// featurePeak is one feature's licences checked out at once, per day of the
// month. A day without events has the level the last event left.
type featurePeak struct {
	start   int // the level just before the month's first event
	started bool
	touched uint32 // bit d: an event on day d
	day     [31]int
	end     [31]int // level after the day's last event
}

// peakAt records a level change on day d of the month.
func (b *Builder) peakAt(fi int32, d, before, after int) {
	p := b.peakOf(fi)
	if !p.started {
		p.start, p.started = before, true
	}
	if p.touched&(1<<d) == 0 {
		p.day[d] = before
	}
	p.day[d] = max(p.day[d], before, after)
	p.end[d] = after
	p.touched |= 1 << d
}

// peakOf is feature fi's peaks, empty until a level changes.
func (b *Builder) peakOf(fi int32) *featurePeak {
	if int(fi) >= len(b.peaks) {
		b.peaks = append(b.peaks, make([]*featurePeak, int(fi)+1-len(b.peaks))...)
	}
	p := b.peaks[fi]
	if p == nil {
		p = &featurePeak{}
		b.peaks[fi] = p
	}
	return p
}

// Peak is the most licences of one concurrent feature checked out at once,
// over the month and per day (Citrix's telemetry reports it as
// CountUsedMax). Days after Builder.SetUntil's time are 0.
type Peak struct {
	Feature string
	Month   int
	Days    []int // one per day of the month
}

func (b *Builder) peakReport() []Peak {
	until := b.until
	out := []Peak{}
	for fi, p := range b.peaks {
		if p == nil {
			continue
		}
		pk := Peak{Feature: b.featNames[fi], Days: make([]int, b.days)}
		carry := p.start
		for d := range b.days {
			if until != 0 && b.dayStart[d] > until {
				break
			}
			if p.touched&(1<<d) != 0 {
				pk.Days[d] = p.day[d]
				carry = p.end[d]
			} else {
				pk.Days[d] = carry
			}
			pk.Month = max(pk.Month, pk.Days[d])
		}
		out = append(out, pk)
	}
	slices.SortFunc(out, func(x, y Peak) int { return strings.Compare(x.Feature, y.Feature) })
	return out
}

// mergePeaks adds o's peaks (a later stretch of the log, scanned in its true
// starting state) to b's.
func (b *Builder) mergePeaks(o *Builder) {
	for ofi, op := range o.peaks {
		if op == nil {
			continue
		}
		p := b.peakOf(b.featureIndex(o.featNames[ofi]))
		if !p.started {
			p.start, p.started = op.start, op.started
		}
		for d := range 31 {
			if op.touched&(1<<d) == 0 {
				continue
			}
			if p.touched&(1<<d) == 0 {
				p.day[d] = op.day[d]
			} else {
				p.day[d] = max(p.day[d], op.day[d])
			}
			p.end[d] = op.end[d]
			p.touched |= 1 << d
		}
	}
}
