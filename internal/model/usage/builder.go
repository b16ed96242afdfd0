package usage

import (
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"github.com/lsui/lsui/internal/model/ident"
	"github.com/lsui/lsui/internal/model/licfile"
	"github.com/lsui/lsui/internal/regularfile"
	"io"
	"io/fs"
	"math"
	"math/bits"
	"runtime/debug"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
	"unsafe"
)

// Builder merges log events and udadmin assignments into one month's Report
// (DOMAIN.md §4): the union per identity and feature, identities compared on
// their canonical name (ident.UserName, folded). Its memory grows with
// distinct identities, features and open checkouts, never with the number of
// events. A Builder is not safe for concurrent use.
type Builder struct {
	month    Month
	loc      *time.Location
	days     int
	dayStart [32]int64 // Unix seconds of each day's midnight; [days] is the month's end

	// KeepDomains counts "CORP\jsmith" and "jsmith" apart, for servers
	// whose admin turned udadmin's domain truncation off (lsui.json
	// "domain_truncation": false). Set it before adding anything.
	KeepDomains bool
	// until, when not zero, is "now" in Unix seconds (see SetUntil).
	until int64

	// spell holds each log token seen, so splitting and folding run once
	// per spelling, not per line; its lookup is a checkout's one hash of
	// its identity.
	spell      spellings
	tallies    slabs[tally]     // every tally, by index (see newTally)
	folds      keyIndex         // tallies by folded name: the index of each in tallies
	coKeys     keyIndex         // checkout identities by lower-case token: the index of each in coIDList
	coIDList   slabs[coID]      // the same, by index
	features   map[string]int32 // by spelling
	featUpper  map[string]int32 // by upper case: feature names compare case-insensitively
	featNames  []string         // first spelling of each
	featCache  [64]featSlot     // the first spellings by featKey, open addressing, for featureIndexBytes
	featCached int              // slots in use, at most half
	concurrent []bool           // per feature: CCU or CCS, its checkouts followed
	fold       ident.Folder

	cutoffSec int64 // ReadOptions.Since as Unix seconds, earlier the month's start; 0: none

	denied, unsupported, undated, skipped, malformed, restarts int
	version                                                    string
	versionAt                                                  time.Time
	sources                                                    []string
	logsFrom                                                   int64 // earliest dated event, 0 when none
	udadmin                                                    bool  // a udadmin listing was read
	connections                                                map[connKey]int

	co    checkouts
	peaks []*featurePeak // by feature index; nil: no level change in the month

	// The checkouts logEvent has taken and not yet counted (see flush).
	pending  [eventBatch]pendingEvent
	npending int
	arena    [eventBatch * tokenInline]byte // their tokens
	touched  uint64                         // what the prefetching loads read
	// levelsInMonth: a checkout level changed (or could have: a restart) in
	// the month, so this stretch's peaks depend on the state it began in.
	levelsInMonth bool
	startup       int32 // the index of StartupFeature, -1 until seen
	last          bool  // Report is the last call: it may drop the indexes
	onDemand      bool  // and its report keeps the tallies (ReadOptions.IdentitiesOnDemand)
}

type connKey struct{ feature, host string }

// tally is one identity (canonical, folded). It exists for every identity
// seen in any month: the lease of a user/device licence reaches back past
// the month.
type tally struct {
	// What a checkout touches comes first: 72 bytes.
	used          bool // used in the month
	device        bool
	named         bool               // with a cutoff: name is the first spelling at or after it
	leaseSet      uint8              // bit f: leaseLast[f] is feature f's last use (f < leaseSlots)
	leaseAssigned uint8              // bit f: feature f is assigned (udadmin)
	leaseSpilled  uint8              // bit f: feature f's lease is in more.leases (a use outside the slots' range)
	days          uint32             // bit d set: used on day d+1
	idx           uint32             // in Builder.tallies
	first, last   int64              // Unix seconds, the month's uses
	featureSet    uint64             // bit i: feature i (< 64) is in features, so a use need not look
	leaseLast     [leaseSlots]uint32 // seconds from leaseEpoch

	folded string
	name   string     // first spelling seen (domain removed unless KeepDomains), in input order
	more   *tallyMore // nil until needed: most identities never do
	// host is the first host the month's uses came through, and the only
	// one of nearly every identity of a log: held here, it is not a
	// tallyMore to make and then to follow, a cache miss, for every
	// identity the report lists. It makes a tally two cache lines.
	host [1]string
}

// tallyMore is what a tally holds beyond its fixed part. An identity of a
// 1M-row udadmin listing has no host and a lease or two, and three slice
// headers in every tally were a fifth of such a build's memory.
type tallyMore struct {
	features []int32  // used in the month from feature 64 on (those before are featureSet's bits)
	hosts    []string // when more than one: the hosts the month's uses came through, distinct, in order seen
	leases   []lease  // features from leaseSlots on, and those leaseSpilled
}

// extra is t.more, made when first needed.
func (t *tally) extra() *tallyMore {
	if t.more == nil {
		t.more = &tallyMore{}
	}
	return t.more
}

// hostList is t's hosts (nil when none): shared, not to be appended to.
func (t *tally) hostList() []string {
	switch {
	case t.more != nil && len(t.more.hosts) > 0:
		return t.more.hosts[:len(t.more.hosts):len(t.more.hosts)]
	case t.host[0] != "":
		return t.host[:]
	}
	return nil
}

// addHost adds a host (not "") the month's uses came through unless it is
// there.
func (t *tally) addHost(host string) {
	switch {
	case t.host[0] == "":
		t.host[0] = host
	case t.host[0] != host:
		m := t.extra()
		if len(m.hosts) == 0 {
			m.hosts = append(m.hosts, t.host[0])
		}
		if !slices.Contains(m.hosts, host) {
			m.hosts = append(m.hosts, host)
		}
	}
}

// appendFeatures appends t's month features to buf: those before 64 by
// index, then the others as first used.
func (t *tally) appendFeatures(buf []int32) []int32 {
	for set := t.featureSet; set != 0; set &= set - 1 {
		buf = append(buf, int32(bits.TrailingZeros64(set)))
	}
	if t.more != nil {
		buf = append(buf, t.more.features...)
	}
	return buf
}

// featuresBelow64 reports whether every month feature of t is one of
// featureSet's bits.
func (t *tally) featuresBelow64() bool { return t.more == nil || len(t.more.features) == 0 }

// leaseSlots is how many features' leases a tally holds in place, as
// seconds from leaseEpoch in 32 bits (until 2136): a server's features are
// indexed as first seen, so nearly every lease is a slot and not a list to
// follow, at 4 bytes each (8 in int64 would cost a 1M-row udadmin listing
// 32 MB). A use outside the slots' range moves its feature's lease to the
// list (leaseSpilled), where it is exact whatever its date.
const (
	leaseSlots = 8
	leaseEpoch = 946684800 // 2000-01-01T00:00:00Z
)

type lease struct {
	feature  int32
	last     int64
	assigned bool // listed by udadmin: assigned now, whatever the date
}

// SetUntil makes t "now": events after it are not counted (a report as of
// a past moment, --now), and days of the month after it carry no peak. A
// zero t counts everything. Set it before adding anything.
func (b *Builder) SetUntil(t time.Time) {
	b.until = 0
	if !t.IsZero() {
		b.until = t.Unix()
	}
}

// NewBuilder starts an empty report for m. Per-day counts and the report's
// times are in m's zone (m.Start.Location()).
func NewBuilder(m Month) *Builder {
	b := &Builder{
		month:       m,
		loc:         m.Start.Location(),
		days:        m.Days(),
		spell:       newSpellings(),
		folds:       newKeyIndex(),
		coKeys:      newKeyIndex(),
		features:    make(map[string]int32),
		featUpper:   make(map[string]int32),
		connections: make(map[connKey]int),
		co:          newCheckouts(),
		startup:     -1,
	}
	if b.days < 1 || b.days > 31 || !m.Start.Before(m.End) {
		b.days = 0 // not a calendar month: nothing falls in it
	}
	for d := 0; d <= b.days; d++ {
		b.dayStart[d] = m.Start.AddDate(0, 0, d).Unix()
	}
	b.dayStart[b.days] = m.End.Unix()
	return b
}

// StartupFeature is the start-up licence's feature. Its checkouts are
// product components connecting (controllers at start-up), not users; so
// are a machine account's (DOMAIN.md §4.1, §4.3).
const StartupFeature = licfile.StartupFeature

// AddEvent counts one event: an OUT is use (in the month) and a lease (any
// month) and opens a checkout, an IN closes one, a DENIED or UNSUPPORTED in
// the month is a refusal, a restart (Op 0 with no feature) closes every open
// checkout. Times are kept to the second, as logs and udadmin write them.
func (b *Builder) AddEvent(e Event) {
	if e.Op == 0 {
		if e.Feature == "" {
			b.restart(e.Time.Unix(), e.Line)
		}
		return
	}
	n := e.Licenses
	if n <= 0 {
		n = 1
	}
	b.logEvent(e.Op, e.Time.Unix(), []byte(e.Feature), []byte(e.Identity), n, e.Line)
	b.flush()
}

// logEvent is AddEvent for a scan in progress (see eventSink): what a
// checkout does to the report is counted in batches (see flush), which the
// scan ends with and a restart or anything else that reads the counts
// begins with. Bytes are kept only for a spelling or feature seen for the
// first time.
func (b *Builder) logEvent(op Op, sec int64, feature, identity []byte, licenses, _ int) {
	if op < Out || op > Unsupported || len(feature) == 0 || (b.until != 0 && sec > b.until) {
		return // events after until have not happened yet, as far as this report knows
	}
	if b.logsFrom == 0 || sec < b.logsFrom {
		b.logsFrom = sec
	}
	day, inMonth := b.dayOf(sec)
	switch op {
	case Denied:
		if inMonth {
			b.denied++
		}
		return
	case Unsupported:
		if inMonth {
			b.unsupported++
		}
		return
	}
	if len(identity) == 0 {
		return
	}
	fi := b.featureIndexBytes(feature)
	concurrent := b.concurrent[fi]
	if op == In && !concurrent {
		return // an IN matters only to a followed checkout
	}
	k := b.npending
	e := &b.pending[k]
	*e = pendingEvent{op: op, fi: fi, sec: sec, day: day, inMonth: inMonth, licenses: licenses}
	if len(identity) <= tokenInline {
		e.token = b.arena[k*tokenInline : k*tokenInline+copy(b.arena[k*tokenInline:], identity)]
	} else {
		e.token = []byte(string(identity))
	}
	e.hash = b.spell.hash(e.token)
	if b.npending++; b.npending == eventBatch {
		b.flush()
	}
}

// cacheLine is what the processors lsui runs on (x86-64, arm64) fetch from
// memory at a time, in bytes.
const cacheLine = 64

// eventBatch is how many checkouts logEvent holds before it counts them:
// enough for their cache misses to overlap, few enough to stay in L1.
const eventBatch = 16

// pendingEvent is a checkout logEvent has taken and flush has not counted.
type pendingEvent struct {
	op       Op
	inMonth  bool
	fi       int32
	day      int
	sec      int64
	licenses int
	hash     uint64    // of token, by spellings.hash
	token    []byte    // in Builder.arena, or its own copy when long
	sp       *spelling // found before counting; valid while spellings.grows is unchanged
}

// flush counts the checkouts logEvent holds, in order. At a real server's
// size a checkout's spelling, and then its tally and checkout identity, are
// cache misses, and one after another they are the scan's cost. So flush
// loads them first, in loops of independent loads that the processor
// overlaps, and then counts them, cached: first the spellings' slots, then
// the lines each count will read, gathered as the spellings are found and
// loaded in a loop of their own, then the lease lists those lines point to.
// (Loaded inside the lookups' loop, each load queued behind a lookup's many
// instructions: at 100k identities the tally loads were a sixth of the
// scan.) The loads' values go to touched only so the compiler keeps them.
func (b *Builder) flush() {
	batch := b.pending[:b.npending]
	b.npending = 0
	var touched uint64
	for i := range batch {
		touched += uint64(b.spell.home(batch[i].hash).n)
	}
	grows := b.spell.grows
	var lines [5 * eventBatch]unsafe.Pointer
	n := 0
	var listed [eventBatch]*tally // the tallies of OUTs whose lease is on the list
	nl := 0
	for i := range batch {
		e := &batch[i]
		if e.sp = b.spell.findHash(e.token, e.hash); e.sp == nil {
			continue // a first sight: count makes what it reads
		}
		// What count reads of a tally is its first line and where its
		// lease is: a slot (the last ones on the second line) or, for a
		// feature past the slots, the list its second line points to.
		t := b.tallies.at(e.sp.tally)
		first, lease := unsafe.Pointer(&t.leaseSet), unsafe.Pointer(&t.more)
		if e.fi < leaseSlots {
			lease = unsafe.Pointer(&t.leaseLast[e.fi])
		} else if e.op == Out {
			listed[nl] = t
			nl++
		}
		lines[n] = first
		n++
		if uintptr(lease)/cacheLine != uintptr(first)/cacheLine {
			lines[n] = lease
			n++
		}
		if b.concurrent[e.fi] {
			// An identity's checkouts are two lines, wherever its slab put it.
			co := b.coIDList.at(e.sp.co)
			lines[n], lines[n+1] = unsafe.Pointer(co), unsafe.Add(unsafe.Pointer(co), unsafe.Sizeof(*co)-1)
			n += 2
		}
		if e.op == Out && e.inMonth && !e.sp.via {
			lines[n] = unsafe.Pointer(&b.spell.textOf(e.sp).host) // its first use in the month reads it
			n++
		}
	}
	for _, p := range lines[:n] {
		touched += uint64(*(*byte)(p))
	}
	// The lists, now that the tallies pointing to them are on their way.
	for _, t := range listed[:nl] {
		if m := t.more; m != nil && len(m.leases) > 0 {
			touched += uint64(m.leases[0].feature) + uint64(m.leases[len(m.leases)-1].feature)
		}
	}
	b.touched += touched
	for i := range batch {
		b.count(&batch[i], grows)
	}
}

// count is a checkout's effect on the report: its identity's use and
// lease, its feature's open checkouts and peak.
func (b *Builder) count(e *pendingEvent, grows int) {
	op, fi, sec, day, inMonth, licenses := e.op, e.fi, e.sec, e.day, e.inMonth, e.licenses
	concurrent := b.concurrent[fi]
	sp := e.sp
	if sp == nil || b.spell.grows != grows {
		// Not found before the batch, or the table has grown since.
		if sp = b.spell.findHash(e.token, e.hash); sp == nil {
			sp = b.spellingOf(string(e.token), e.hash)
		}
	}
	t := b.tallies.at(sp.tally)
	if b.cutoffSec != 0 && !t.named && sec >= b.cutoffSec {
		// The identity is shown as first spelled since the cutoff, which
		// a windowed scan sees as a full one does.
		t.name, t.named = b.spell.textOf(sp).name, true
	}
	if fi == b.startup || sp.machine {
		if op == Out && inMonth {
			b.connections[connKey{b.featNames[fi], b.spell.textOf(sp).host}]++
		}
		return
	}
	if concurrent {
		co := b.coIDList.at(sp.co)
		token := co.token
		if !sp.coToken {
			token = b.spell.textOf(sp).token
		}
		before, after := b.co.apply(op, fi, co, token, sec, licenses)
		if inMonth {
			b.levelsInMonth = true
			b.peakAt(fi, day, before, after)
		}
	}
	if op != Out {
		return
	}
	if sec >= b.cutoffSec {
		t.lease(fi, sec, false)
	}
	if inMonth {
		host := ""
		if !sp.via {
			host, sp.via = b.spell.textOf(sp).host, true // listed from now on
		}
		b.use(t, fi, sec, day, host)
	}
}

// cutoff is the eventSink's: the scan's stats start at the Builder's.
func (b *Builder) cutoff() int64 { return b.cutoffSec }

// spellingOf indexes a log's user@host token, whose hash is h.
func (b *Builder) spellingOf(token string, h uint64) *spelling {
	name, host := ident.UserName(token, true, b.KeepDomains)
	user, _ := ident.SplitUserHost(token)
	co := b.coIDOf(token)
	sp := spelling{tally: b.tallyOfName(name).idx, machine: ident.IsMachineAccount(user), co: co.idx, coToken: co.token == token}
	return b.spell.add(sp, spellingText{token: token, name: name, host: host}, h)
}

// restart ends every open checkout: the server lost them.
func (b *Builder) restart(sec int64, _ int) {
	b.flush()
	if b.until != 0 && sec > b.until {
		return
	}
	if day, inMonth := b.dayOf(sec); inMonth {
		b.levelsInMonth = true
		for fi, level := range b.co.level {
			if level != 0 {
				b.peakAt(int32(fi), day, level, 0)
			}
		}
	}
	b.co.restart()
}

// AddAssignment records a udadmin row: an assignment now (the listing is
// authoritative for user/device licences), and use in the month when its
// last use falls in it. A device row makes the identity a device whatever
// month it falls in. A machine account's row is a connection, not a user.
func (b *Builder) AddAssignment(a Assignment) {
	if a.Identity == "" || a.Feature == "" {
		return
	}
	b.udadmin = true
	sec := a.LastUse.Unix()
	day, ok := b.dayOf(sec)
	fi := b.featureIndex(a.Feature)
	// A device is a client device name: it has no domain to remove.
	name, _ := ident.UserName(a.Identity, false, b.KeepDomains || a.Kind == Device)
	if fi == b.startup || ident.IsMachineAccount(name) {
		if ok {
			b.connections[connKey{b.featNames[fi], ""}]++
		}
		return
	}
	t := b.tallyOfName(name)
	if b.cutoffSec != 0 && !t.named {
		t.name, t.named = name, true
	}
	if a.Kind == Device {
		t.device = true
	}
	t.lease(fi, sec, true)
	if ok {
		b.use(t, fi, sec, day, "")
	}
}

// AddStats adds one log's counters. The report's Version is the one from the
// latest start line among all logs.
func (b *Builder) AddStats(s LogStats) {
	b.undated += s.Undated
	b.skipped += s.Skipped
	b.malformed += s.Malformed
	b.restarts += s.Restarts
	if s.Version != "" && (b.version == "" || !s.Started.Before(b.versionAt)) {
		b.version, b.versionAt = s.Version, s.Started
	}
}

// AddSource records a file name for Report.Sources.
func (b *Builder) AddSource(name string) { b.sources = append(b.sources, name) }

// dayOf is the 0-based day of the month holding the Unix second sec, ok
// false outside the month.
func (b *Builder) dayOf(sec int64) (int, bool) {
	if b.days == 0 || sec < b.dayStart[0] || sec >= b.dayStart[b.days] {
		return 0, false
	}
	// Days are 86400 s except around a zone change, so the guess is off by at most one.
	d := min(int((sec-b.dayStart[0])/86400), b.days-1)
	for d > 0 && sec < b.dayStart[d] {
		d--
	}
	for d+1 < b.days && sec >= b.dayStart[d+1] {
		d++
	}
	return d, true
}

// tallyOfName is the identity of a canonical name (domain already removed).
func (b *Builder) tallyOfName(name string) *tally {
	f := b.foldName(name)
	if i, added := b.folds.intern(f); !added {
		return b.tallies.at(i)
	}
	return b.newTally(f, name)
}

func (b *Builder) newTally(folded, name string) *tally {
	t := b.tallies.add()
	t.folded, t.name, t.idx = folded, name, b.tallies.n-1
	return t
}

// foldName is the comparison key of an identity: ASCII lower case (free when
// the name is lower case already), otherwise ident's fold, the form the
// scrambler uses too, so one person is one identity here and one pseudonym
// in a payload (ａｌｉｃｅ and alice alike).
func (b *Builder) foldName(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return b.fold.FoldString(s)
		}
	}
	return strings.ToLower(s)
}

// use counts one use in the month.
func (b *Builder) use(t *tally, feature int32, sec int64, day int, host string) {
	if !t.used {
		t.used, t.first, t.last = true, sec, sec
	} else {
		t.first, t.last = min(t.first, sec), max(t.last, sec)
	}
	t.days |= 1 << day
	t.addFeature(feature)
	if host != "" {
		t.addHost(host)
	}
}

// addFeature adds feature to the month's features unless it is there.
func (t *tally) addFeature(feature int32) {
	if feature < 64 {
		t.featureSet |= 1 << feature
		return
	}
	if m := t.extra(); !slices.Contains(m.features, feature) {
		m.features = append(m.features, feature)
	}
}

// lease records a use of feature at sec for the lease look-back.
func (t *tally) lease(feature int32, sec int64, assigned bool) {
	if feature < leaseSlots && t.leaseSpilled&(1<<feature) == 0 {
		bit := uint8(1) << feature
		if rel := sec - leaseEpoch; rel >= 0 && rel <= math.MaxUint32 {
			if t.leaseSet&bit == 0 {
				t.leaseSet |= bit
				t.leaseLast[feature] = uint32(rel)
			} else {
				t.leaseLast[feature] = max(t.leaseLast[feature], uint32(rel))
			}
			if assigned {
				t.leaseAssigned |= bit
			}
			return
		}
		// Out of the slot's range: the feature's lease goes to the list.
		t.leaseSpilled |= bit
		if t.leaseSet&bit != 0 {
			m := t.extra()
			m.leases = append(m.leases, t.slotLease(feature))
			t.leaseSet &^= bit
			t.leaseAssigned &^= bit
		}
	}
	m := t.extra()
	for i := range m.leases {
		if l := &m.leases[i]; l.feature == feature {
			l.last = max(l.last, sec)
			l.assigned = l.assigned || assigned
			return
		}
	}
	m.leases = append(m.leases, lease{feature: feature, last: sec, assigned: assigned})
}

// slotLease is the lease in feature's slot, which is set.
func (t *tally) slotLease(feature int32) lease {
	return lease{feature: feature, last: int64(t.leaseLast[feature]) + leaseEpoch, assigned: t.leaseAssigned&(1<<feature) != 0}
}

// moreLeases is t's leases not in the slots.
func (t *tally) moreLeases() []lease {
	if t.more == nil {
		return nil
	}
	return t.more.leases
}

// leaseCount is how many features t has a lease of.
func (t *tally) leaseCount() int { return bits.OnesCount8(t.leaseSet) + len(t.moreLeases()) }

// appendLeases appends t's leases to buf, by feature index.
func (t *tally) appendLeases(buf []lease) []lease {
	for set := t.leaseSet; set != 0; set &= set - 1 {
		buf = append(buf, t.slotLease(int32(bits.TrailingZeros8(set))))
	}
	return append(buf, t.moreLeases()...)
}

// featureIndex is featureIndexBytes of a string (a udadmin row's, a merged
// range's): one lookup for both, and the conversion of a short name is on
// the stack.
func (b *Builder) featureIndex(feature string) int32 { return b.featureIndexBytes([]byte(feature)) }

func (b *Builder) featureIndexBytes(feature []byte) int32 {
	k := featKeyOf(feature)
	const mask = len(b.featCache) - 1
	i := int((k.a*0x9e3779b97f4a7c15 ^ k.z ^ uint64(k.n)) >> (64 - 6))
	for ; ; i = (i + 1) & mask { // ends: the cache is at most half full
		slot := &b.featCache[i]
		if slot.fi1 == 0 {
			fi, ok := b.features[string(feature)]
			if !ok {
				fi = b.addFeature(string(feature))
			}
			if b.featCached < len(b.featCache)/2 {
				slot.k, slot.fi1 = k, fi+1
				b.featCached++
			}
			return fi
		}
		if slot.k == k && (k.n <= 16 || b.featNames[slot.fi1-1] == string(feature)) {
			return slot.fi1 - 1
		}
	}
}

// featSlot is a spelling's feature index, plus 1 (0: empty).
type featSlot struct {
	k   featKey
	fi1 int32
}

// featKey compares feature spellings in a few integer compares: a feature
// name of up to 16 bytes is its length and its first and last 8 bytes,
// exactly; a longer one needs its bytes compared too.
type featKey struct {
	n    int
	a, z uint64
}

func featKeyOf(b []byte) featKey {
	if len(b) >= 8 {
		return featKey{len(b), binary.LittleEndian.Uint64(b), binary.LittleEndian.Uint64(b[len(b)-8:])}
	}
	var a uint64
	for i, c := range b {
		a |= uint64(c) << (8 * i)
	}
	return featKey{n: len(b), a: a}
}

// addFeature indexes a spelling; spellings that differ only in case share
// one feature, named as first seen.
func (b *Builder) addFeature(spelling string) int32 {
	upper := strings.ToUpper(spelling)
	fi, ok := b.featUpper[upper]
	if !ok {
		fi = int32(len(b.featNames))
		b.featUpper[upper] = fi
		b.featNames = append(b.featNames, spelling)
		b.concurrent = append(b.concurrent, isConcurrent(upper))
		if strings.EqualFold(upper, StartupFeature) {
			b.startup = fi
		}
	}
	b.features[spelling] = fi
	return fi
}

// Report builds the month's report from what was added so far; the Builder
// stays usable, unless it was Read's with IdentitiesOnDemand: then the
// report keeps the Builder's per-identity state as its identities and last
// uses (see identityStore), and the Builder is done.
func (b *Builder) Report() *Report {
	b.flush()
	r := &Report{
		Month:       b.month,
		Denied:      b.denied,
		Unsupported: b.unsupported,
		Undated:     b.undated,
		Skipped:     b.skipped,
		Malformed:   b.malformed,
		Restarts:    b.restarts,
		Version:     b.version,
		Sources:     slices.Clone(b.sources),
		Udadmin:     b.udadmin,
	}
	if b.logsFrom != 0 {
		r.LogsFrom = time.Unix(b.logsFrom, 0).In(b.loc)
	}
	users := make([]int, len(b.featNames))
	devices := make([]int, len(b.featNames))
	r.Days = make([]Day, b.days)
	for d := range r.Days {
		r.Days[d].Date = time.Unix(b.dayStart[d], 0).In(b.loc)
	}
	if b.last {
		// Read's report is the Builder's last act: its indexes can go
		// before the report's lists, even the sort's keys, are made (at
		// 1M identities they are tens of MB of the peak).
		b.folds, b.spell, b.coKeys = keyIndex{}, spellings{}, keyIndex{}
		if b.onDemand {
			// The report keeps the rest of the scan's state: collect
			// the indexes now (33 MB at 1M identities) and hand their
			// pages back, so that what comes next (the sort's keys,
			// the report's index, Entitlements' maps, the payload's
			// writing) is not added to them: the collector would let
			// the heap grow to twice the live one first, and the freed
			// pages are too scattered for a few large slices. One
			// collection, with the heap at its largest anyway.
			debug.FreeOSMemory()
		}
	}
	used, leases := 0, 0
	for i := range b.tallies.n {
		t := b.tallies.at(i)
		used += btoi(t.used)
		leases += t.leaseCount()
	}
	order := b.keyOrder()
	if b.last {
		// Nothing looks a tally up by index again (the indexes are gone):
		// put them in key order, so that the passes below, and a report
		// made on demand, walk memory in order. At 100k identities a
		// jump from one tally to the next was a cache miss, on each pass.
		b.tallies.permute(order)
		for i := range order {
			order[i] = uint32(i)
			b.tallies.at(uint32(i)).idx = uint32(i)
		}
	}
	// The report holds its identities and last uses, or keeps the tallies
	// and an index to make them from (IdentitiesOnDemand).
	st := &identityStore{loc: b.loc, featNames: b.featNames}
	onDemand := b.last && b.onDemand
	if onDemand {
		st.tallies = b.tallies // in key order: st.used and st.lastUses index them so
		st.used, st.lastUses = make([]storedIdentity, 0, used), make([]storedLastUse, leases)
	} else {
		r.Identities, r.LastUses = make([]Identity, 0, used), make([]LastUse, leases)
	}
	lists := featureLists{}
	// LastUses are sorted by feature, then key: (Feature, Key) is unique
	// (one lease per identity and feature, one name per feature index), so
	// each feature gets a block in name order and fills it in key order as
	// the sorted tallies come, with no sort of the whole list.
	next := make([]int, len(b.featNames))
	var buf []lease
	var fbuf []int32
	for _, ti := range order {
		buf = b.tallies.at(ti).appendLeases(buf[:0])
		for _, l := range buf {
			next[l.feature]++
		}
	}
	byName := make([]int32, len(b.featNames))
	for i := range byName {
		byName[i] = int32(i)
	}
	slices.SortFunc(byName, func(x, y int32) int { return strings.Compare(b.featNames[x], b.featNames[y]) })
	at := 0
	for _, fi := range byName {
		at, next[fi] = at+next[fi], at
	}
	for ti, x := range order {
		t := b.tallies.at(x)
		buf = t.appendLeases(buf[:0])
		for _, l := range buf {
			if onDemand {
				st.lastUses[next[l.feature]] = storedLastUse{tally: int32(ti), feature: l.feature}
			} else {
				st.setLastUse(&r.LastUses[next[l.feature]], t, l)
			}
			next[l.feature]++
		}
		if !t.used {
			continue
		}
		count := users
		if t.device {
			count = devices
		}
		if t.more != nil {
			slices.Sort(t.more.hosts) // in place: every Identity.Via of t shares it
		}
		fbuf = t.appendFeatures(fbuf[:0])
		for _, fi := range fbuf {
			count[fi]++
		}
		if list := st.listOf(lists, t); onDemand {
			st.used = append(st.used, storedIdentity{tally: int32(ti), features: list})
		} else {
			r.Identities = r.Identities[:len(r.Identities)+1]
			st.setIdentity(&r.Identities[len(r.Identities)-1], t, list)
		}
		for set := t.days & (1<<len(r.Days) - 1); set != 0; set &= set - 1 {
			if d := bits.TrailingZeros32(set); t.device {
				r.Days[d].Devices++
			} else {
				r.Days[d].Users++
			}
		}
	}
	if onDemand {
		r.store = st
	}
	r.Features = make([]FeatureCount, 0, len(b.featNames))
	for i, name := range b.featNames {
		if users[i]+devices[i] == 0 {
			continue // seen only in other months, or only as connections
		}
		r.Features = append(r.Features, FeatureCount{Feature: name, Users: users[i], Devices: devices[i]})
	}
	slices.SortFunc(r.Features, func(x, y FeatureCount) int { return strings.Compare(x.Feature, y.Feature) })
	for k, n := range b.connections {
		r.Connections = append(r.Connections, Connection{Feature: k.feature, Host: k.host, Checkouts: n})
	}
	slices.SortFunc(r.Connections, func(x, y Connection) int {
		if c := strings.Compare(x.Feature, y.Feature); c != 0 {
			return c
		}
		return strings.Compare(x.Host, y.Host)
	})
	r.Open = b.openList()
	r.Peaks = b.peakReport()
	return r
}

// keyOrder is the tallies' indexes in folded-name order. It sorts each
// name's first 12 bytes beside its index, so that the names themselves are
// read only where 12 bytes tie: sorting the tallies went through two
// pointers and two strings a comparison, a cache miss apiece at a real
// server's size. The first 8 bytes are sorted by radix, a pass per byte
// that varies (names share their first bytes: "user…"), and only runs that
// tie on them are compared (BenchmarkKeyOrder: 12 ms at 100k identities
// with comparisons alone).
func (b *Builder) keyOrder() []uint32 {
	keys := make([]nameKey, b.tallies.n)
	for i := range keys {
		var p [12]byte
		copy(p[:], b.tallies.at(uint32(i)).folded)
		keys[i] = nameKey{binary.BigEndian.Uint64(p[:8]), uint64(binary.BigEndian.Uint32(p[8:]))<<32 | uint64(i)}
	}
	keys = radixByHi(keys, make([]nameKey, len(keys)))
	for i := 0; i < len(keys); {
		j := i + 1
		for j < len(keys) && keys[j].hi == keys[i].hi {
			j++
		}
		if j-i > 1 {
			slices.SortFunc(keys[i:j], func(x, y nameKey) int {
				if x.lo>>32 != y.lo>>32 {
					return cmp.Compare(x.lo>>32, y.lo>>32)
				}
				// A tie: a shorter name padded with zeros ties with one
				// whose next bytes are zeros, so only the names tell.
				return strings.Compare(b.tallies.at(x.idx()).folded, b.tallies.at(y.idx()).folded)
			})
		}
		i = j
	}
	order := make([]uint32, len(keys))
	for i, k := range keys {
		order[i] = k.idx()
	}
	return order
}

// nameKey is a tally's folded name's first 12 bytes, big-endian and
// zero-padded, so that they order as the names do where they differ: bytes
// 0–7 in hi, 8–11 in lo's top half, and the tally's index in its bottom
// half (16 bytes a key: at 1M identities the sort's two arrays are 32 MB
// of the build's peak).
type nameKey struct{ hi, lo uint64 }

func (k nameKey) idx() uint32 { return uint32(k.lo) }

// radixByHi sorts keys by hi, stably, a byte at a time from the lowest,
// through buf (as long as keys); it returns whichever of the two holds the
// result. A byte every key shares moves nothing and is skipped.
func radixByHi(keys, buf []nameKey) []nameKey {
	if len(keys) < 2 {
		return keys
	}
	for shift := 0; shift < 64; shift += 8 {
		var at [256]int
		for _, k := range keys {
			at[byte(k.hi>>shift)]++
		}
		if at[byte(keys[0].hi>>shift)] == len(keys) {
			continue
		}
		pos := 0
		for d, n := range at {
			at[d], pos = pos, pos+n
		}
		for _, k := range keys {
			d := byte(k.hi >> shift)
			buf[at[d]] = k
			at[d]++
		}
		keys, buf = buf, keys
	}
	return keys
}

// ReadOptions say what Read counts and how.
type ReadOptions struct {
	Month Month
	// Logs are FlexNet debug logs, each opened and streamed on its own (a
	// date never carries over between files), oldest first: by the first
	// date line of each, so that a restart in last month's log does not end
	// this month's open checkouts. Logs without a date line come last, and
	// ties keep the order given.
	Logs []string
	// Udadmin, when not nil, is a `udadmin -list -times` listing (live
	// output or a captured file), named UdadminSource in its problems.
	Udadmin       io.Reader
	UdadminSource string
	// Location is the server's zone, used for the times in both; per-day
	// counts use Month's zone.
	Location *time.Location
	// KeepDomains: see Builder.KeepDomains.
	KeepDomains bool
	// Now, when not zero, ends the per-day peaks (no checkouts in the future).
	Now time.Time
	// Since, when not zero, is how far back any question about the report
	// reaches (the lease look-back: Now less the longest LP). The report
	// then counts nothing dated before min(Since, Month.Start) — leases,
	// restarts, malformed and over-long lines — and names an identity as
	// first spelled since then; and each log is read from its last server
	// start before that (FindRestartBefore) instead of from its first line,
	// which gives the same report (TestWindowedReadEqualsFull), unless its
	// dates go backwards.
	Since time.Time
	// IdentitiesOnDemand leaves Report.Identities and Report.LastUses nil:
	// the report keeps what the scan built instead and hands each out as
	// it is asked for (Report.IdentityCount/IdentityAt, LastUseCount/
	// LastUseAt, AllIdentities, AllLastUses), so a million identities are
	// not held twice. For a reader that goes through them a few times, in
	// order: a payload build.
	IdentitiesOnDemand bool
}

// ReadMonth is Read with domains removed and no clock.
func ReadMonth(m Month, logs []string, udadmin io.Reader, udadminSource string, loc *time.Location) (rep *Report, problems []error, err error) {
	return Read(ReadOptions{Month: m, Logs: logs, Udadmin: udadmin, UdadminSource: udadminSource, Location: loc})
}

// Read is the one call the model needs: a month's report, with the lease
// look-back and open checkouts of everything read, from FlexNet debug logs
// and an optional udadmin listing.
//
// problems holds what went wrong with single sources — a log that cannot be
// opened or read (as "PATH: error"), a malformed udadmin row
// (*LineError, "PATH:12: ...") — and the rest still counts. err is non-nil
// only when sources were given and not one of them could be read, so that an
// empty report is not mistaken for a month without use.
func Read(o ReadOptions) (rep *Report, problems []error, err error) {
	b := NewBuilder(o.Month)
	b.KeepDomains = o.KeepDomains
	b.SetUntil(o.Now)
	if !o.Since.IsZero() {
		cut := o.Since
		if o.Month.Start.Before(cut) {
			cut = o.Month.Start
		}
		b.cutoffSec = cut.Unix()
	}
	read := 0
	for _, path := range oldestFirst(o.Logs, o.Location) {
		ok, perrs := b.readLog(path, o.Location)
		problems = append(problems, perrs...)
		if ok {
			read++
		}
	}
	if o.Udadmin != nil {
		rows := 0
		// Streamed: the listing is counted row by row, never held.
		errs := ScanUdadmin(o.Udadmin, o.UdadminSource, o.Location, func(a Assignment) {
			rows++
			b.AddAssignment(a)
		})
		problems = append(problems, errs...)
		b.AddSource("udadmin")
		b.udadmin = len(errs) == 0 || rows > 0
		if b.udadmin {
			read++
		}
	}
	if read == 0 && (len(o.Logs) > 0 || o.Udadmin != nil) {
		err = fmt.Errorf("usage for %s: none of the %d sources could be read", o.Month, len(o.Logs)+btoi(o.Udadmin != nil))
	}
	b.last, b.onDemand = true, o.IdentitiesOnDemand
	return b.Report(), problems, err
}

// headLines is how far into a log oldestFirst looks for its first date:
// lmgrd's banner and SLOG block are a few dozen lines.
const headLines = 4096

// oldestFirst orders logs by their first date line.
func oldestFirst(logs []string, loc *time.Location) []string {
	if len(logs) < 2 {
		return logs
	}
	if loc == nil {
		loc = time.Local
	}
	type dated struct {
		path  string
		first time.Time
	}
	ds := make([]dated, len(logs))
	for i, p := range logs {
		ds[i] = dated{p, firstDate(p, loc)}
	}
	slices.SortStableFunc(ds, func(x, y dated) int {
		switch {
		case x.first.IsZero() || y.first.IsZero():
			return btoi(x.first.IsZero()) - btoi(y.first.IsZero())
		}
		return x.first.Compare(y.first)
	})
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.path
	}
	return out
}

// firstDate is the date of a log's first date line, zero when none comes
// in its first headLines lines (or it cannot be read: readLog says why).
func firstDate(path string, loc *time.Location) time.Time {
	f, err := regularfile.Open(path) // never a FIFO, which would block here
	if err != nil {
		return time.Time{}
	}
	defer f.Close()
	lr := newLineReader(f)
	for range headLines {
		line, long, err := lr.next()
		if err != nil && line == nil {
			return time.Time{}
		}
		if long {
			continue
		}
		if c, ok := classify(line); ok && c.dated {
			return time.Date(c.y, c.m, c.d, 0, 0, c.tod, 0, loc)
		}
		if err != nil {
			return time.Time{}
		}
	}
	return time.Time{}
}

// readLog scans one log into b; ok reports whether any of it could be read.
// problems are its malformed and over-long lines (see badLines), then the
// error that stopped the scan, if any.
func (b *Builder) readLog(path string, loc *time.Location) (ok bool, problems []error) {
	f, err := regularfile.Open(path)
	if err != nil {
		return false, []error{err} // *os.PathError names the path already
	}
	defer f.Close()
	b.AddSource(path)
	info, err := f.Stat()
	if err != nil {
		return false, []error{err}
	}
	start, head, err := b.windowStart(f, info.Size(), loc)
	if err != nil {
		return false, []error{fmt.Errorf("%s: %w", path, err)}
	}
	stats, err := b.scanFrom(f, start, info.Size(), loc)
	problems, lerr := head.bad.then(stats.bad).lineErrors(f, path)
	if err == nil {
		err = lerr
	}
	if err != nil {
		var pe *fs.PathError
		if !errors.As(err, &pe) { // a PathError names the file already
			err = fmt.Errorf("%s: %w", path, err)
		}
		return stats.Lines > 0, append(problems, err)
	}
	return true, problems
}

func btoi(v bool) int {
	if v {
		return 1
	}
	return 0
}
