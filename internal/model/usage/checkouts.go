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
type coID struct{ token string }

type coKey struct {
	feature int32
	id      *coID
}

type openCheckout struct {
	start    int64
	licenses int
	token    string // as this OUT wrote it
}

// open keeps a key whose checkouts are all closed, with an empty list: the
// next OUT of the same user@host reuses the list instead of allocating one
// per checkout (a key per identity and feature, never per line). The map
// holds the lists by pointer, so a checkout or checkin looks its key up
// once and never writes the map.
type checkouts struct {
	open         map[coKey]*[]openCheckout
	closedBefore map[coKey]int
	restarted    bool
	level        []int // per feature index, licences open now
}

func newCheckouts() checkouts {
	return checkouts{open: map[coKey]*[]openCheckout{}, closedBefore: map[coKey]int{}}
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

// apply opens (Out) or closes (In) n licences; before and after are the
// feature's level around it.
func (c *checkouts) apply(op Op, k coKey, token string, sec int64, n int) (before, after int) {
	level := c.levelOf(k.feature)
	before = *level
	switch op {
	case Out:
		list := c.list(k)
		*list = append(*list, openCheckout{start: sec, licenses: n, token: token})
		*level += n
	case In:
		left := c.close(k, n)
		*level -= n - left
		if left > 0 && !c.restarted {
			c.closedBefore[k] += left
		}
	}
	return before, *level
}

// close takes n licences from k's newest checkouts; it returns what it could
// not find open.
func (c *checkouts) close(k coKey, n int) int {
	lp := c.open[k]
	if lp == nil {
		return n
	}
	list := *lp
	for n > 0 && len(list) > 0 {
		last := &list[len(list)-1]
		take := min(n, last.licenses)
		last.licenses -= take
		n -= take
		if last.licenses == 0 {
			list = list[:len(list)-1]
		}
	}
	*lp = list // kept when empty: see checkouts
	return n
}

// list is k's open checkouts, an empty list when it has none yet.
func (c *checkouts) list(k coKey) *[]openCheckout {
	lp := c.open[k]
	if lp == nil {
		lp = new([]openCheckout)
		c.open[k] = lp
	}
	return lp
}

func (c *checkouts) restart() {
	clear(c.open)
	clear(c.closedBefore)
	clear(c.level)
	c.restarted = true
}

func (c *checkouts) empty() bool {
	for _, lp := range c.open {
		if len(*lp) > 0 {
			return false
		}
	}
	return true
}

// coIDOf is the checkout identity of a token.
func (b *Builder) coIDOf(token string) *coID {
	lower := strings.ToLower(token)
	id, ok := b.coIDs[lower]
	if !ok {
		id = &coID{token: token}
		b.coIDs[lower] = id
	}
	return id
}

// remapKey is o's checkout key in b's terms.
func (b *Builder) remapKey(o *Builder, k coKey) coKey {
	return coKey{b.featureIndex(o.featNames[k.feature]), b.coIDOf(k.id.token)}
}

// compose applies o's checkouts (a later stretch of the same log, scanned
// on its own) to b's.
func (b *Builder) compose(o *Builder) {
	c := &b.co
	if o.co.restarted {
		clear(c.open)
		clear(c.closedBefore)
		c.restarted = true
	} else {
		for ok, n := range o.co.closedBefore {
			k := b.remapKey(o, ok)
			if left := c.close(k, n); left > 0 && !c.restarted {
				c.closedBefore[k] += left
			}
		}
	}
	for ok, lp := range o.co.open {
		if len(*lp) == 0 {
			continue
		}
		list := c.list(b.remapKey(o, ok))
		*list = append(*list, *lp...)
	}
	b.relevel()
}

// relevel recomputes the levels from the open checkouts.
func (b *Builder) relevel() {
	clear(b.co.level)
	for k, lp := range b.co.open {
		for _, o := range *lp {
			*b.co.levelOf(k.feature) += o.licenses
		}
	}
}

// startFrom sets b's checkouts to a copy of o's (a state in o's terms).
func (b *Builder) startFrom(o *Builder, state *checkouts) {
	b.co = newCheckouts()
	for ok, lp := range state.open {
		if len(*lp) > 0 {
			list := slices.Clone(*lp)
			b.co.open[b.remapKey(o, ok)] = &list
		}
	}
	b.relevel()
}

// cloneCheckouts is a deep copy of b's open checkouts (what compose and
// startFrom read).
func (b *Builder) cloneCheckouts() checkouts {
	out := newCheckouts()
	for k, lp := range b.co.open {
		if len(*lp) > 0 {
			list := slices.Clone(*lp)
			out.open[k] = &list
		}
	}
	return out
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
	for _, lp := range b.co.open {
		n += len(*lp)
	}
	out := make([]Checkout, 0, n)
	for k, lp := range b.co.open {
		for _, o := range *lp {
			user, host := ident.SplitUserHost(o.token)
			out = append(out, Checkout{
				Feature: b.featNames[k.feature], Identity: o.token, User: user, Host: host,
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
	p := b.peaks[fi]
	if p == nil {
		p = &featurePeak{}
		b.peaks[fi] = p
	}
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
		fi := b.featureIndex(o.featNames[ofi])
		p := b.peaks[fi]
		if p == nil {
			cp := *op
			b.peaks[fi] = &cp
			continue
		}
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
