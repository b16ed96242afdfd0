package usage

import (
	"errors"
	"fmt"
	"github.com/lsui/lsui/internal/model/ident"
	"github.com/lsui/lsui/internal/regularfile"
	"io"
	"io/fs"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// Builder merges log events and udadmin assignments into one month's Report
// (DOMAIN.md §4): the union per identity and feature, identities compared
// case-insensitively. Its memory grows with distinct identities and
// features, never with the number of events. A Builder is not safe for
// concurrent use.
type Builder struct {
	month    Month
	loc      *time.Location
	days     int
	dayStart [32]int64 // Unix seconds of each day's midnight; [days] is the month's end

	bySpelling map[string]*tally // each spelling seen, so folding runs once per spelling
	byFold     map[string]*tally
	features   map[string]int32
	featNames  []string
	fold       ident.Folder

	denied, undated, skipped, malformed int
	version                             string
	versionAt                           time.Time
	sources                             []string
}

// tally is one identity (case-folded). It exists for every identity with a
// use in the month, and for udadmin devices outside it (to know their kind).
type tally struct {
	folded      string
	name        string // spelling of the first use counted, in input order
	device      bool
	used        bool
	features    []int32 // indexes into Builder.featNames, distinct
	first, last int64   // Unix seconds
	days        uint32  // bit d set: used on day d+1
}

// NewBuilder starts an empty report for m. Per-day counts and the report's
// times are in m's zone (m.Start.Location()).
func NewBuilder(m Month) *Builder {
	b := &Builder{
		month:      m,
		loc:        m.Start.Location(),
		days:       m.Days(),
		bySpelling: make(map[string]*tally),
		byFold:     make(map[string]*tally),
		features:   make(map[string]int32),
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

// AddEvent counts an OUT inside the month as use and a DENIED inside it as a
// refusal; everything else (IN, events of other months) changes nothing.
// Times are kept to the second, as logs and udadmin write them.
func (b *Builder) AddEvent(e Event) {
	if e.Op != Out && e.Op != Denied {
		return
	}
	day, ok := b.dayOf(e.Time.Unix())
	if !ok {
		return
	}
	if e.Op == Denied {
		b.denied++
		return
	}
	b.use(b.tallyOf(e.Identity), e.Identity, b.featureIndex(e.Feature), e.Time.Unix(), day)
}

// logEvent is AddEvent for a scan in progress (see eventSink): an event
// outside the month costs nothing, one inside costs a map lookup, and bytes
// are copied only for a spelling or feature seen for the first time.
func (b *Builder) logEvent(op Op, sec int64, feature, identity []byte, _ int) {
	if op != Out && op != Denied {
		return
	}
	day, ok := b.dayOf(sec)
	if !ok {
		return
	}
	if op == Denied {
		b.denied++
		return
	}
	t, ok := b.bySpelling[string(identity)]
	var name string
	if !ok || !t.used {
		name = string(identity)
		t = b.tallyOf(name)
	}
	b.use(t, name, b.featureIndexBytes(feature), sec, day)
}

// AddAssignment records a udadmin row. A device row makes the identity a
// device whatever month it falls in; the row counts as use when its last use
// is inside the month.
func (b *Builder) AddAssignment(a Assignment) {
	if a.Identity == "" || a.Feature == "" {
		return
	}
	sec := a.LastUse.Unix()
	day, ok := b.dayOf(sec)
	if !ok && a.Kind != Device {
		return
	}
	t := b.tallyOf(a.Identity)
	if a.Kind == Device {
		t.device = true
	}
	if ok {
		b.use(t, a.Identity, b.featureIndex(a.Feature), sec, day)
	}
}

// AddStats adds one log's counters. The report's Version is the one from the
// latest start line among all logs.
func (b *Builder) AddStats(s LogStats) {
	b.undated += s.Undated
	b.skipped += s.Skipped
	b.malformed += s.Malformed
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

func (b *Builder) tallyOf(name string) *tally {
	if t, ok := b.bySpelling[name]; ok {
		return t
	}
	f := b.foldName(name)
	t, ok := b.byFold[f]
	if !ok {
		t = &tally{folded: f}
		b.byFold[f] = t
	}
	b.bySpelling[name] = t
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

// use counts one use; spelling is the identity as written, needed only for
// the identity's first use.
func (b *Builder) use(t *tally, spelling string, feature int32, sec int64, day int) {
	if !t.used {
		t.used, t.name, t.first, t.last = true, spelling, sec, sec
	} else {
		t.first, t.last = min(t.first, sec), max(t.last, sec)
	}
	t.days |= 1 << day
	if !slices.Contains(t.features, feature) {
		t.features = append(t.features, feature)
	}
}

// A server has a handful of features: scanning the first few beats hashing
// every event.
const featureScan = 16

func (b *Builder) featureIndex(feature string) int32 {
	for i, name := range b.featNames[:min(len(b.featNames), featureScan)] {
		if name == feature {
			return int32(i)
		}
	}
	if fi, ok := b.features[feature]; ok {
		return fi
	}
	return b.addFeature(feature)
}

func (b *Builder) featureIndexBytes(feature []byte) int32 {
	for i, name := range b.featNames[:min(len(b.featNames), featureScan)] {
		if name == string(feature) {
			return int32(i)
		}
	}
	if fi, ok := b.features[string(feature)]; ok {
		return fi
	}
	return b.addFeature(string(feature))
}

func (b *Builder) addFeature(name string) int32 {
	fi := int32(len(b.featNames))
	b.features[name] = fi
	b.featNames = append(b.featNames, name)
	return fi
}

// Report builds the month's report from what was added so far; the Builder
// stays usable.
func (b *Builder) Report() *Report {
	r := &Report{
		Month:     b.month,
		Denied:    b.denied,
		Undated:   b.undated,
		Skipped:   b.skipped,
		Malformed: b.malformed,
		Version:   b.version,
		Sources:   slices.Clone(b.sources),
	}
	users := make([]int, len(b.featNames))
	devices := make([]int, len(b.featNames))
	r.Days = make([]Day, b.days)
	for d := range r.Days {
		r.Days[d].Date = time.Unix(b.dayStart[d], 0).In(b.loc)
	}
	var tallies []*tally
	for _, t := range b.byFold {
		if t.used {
			tallies = append(tallies, t)
		}
	}
	sort.Slice(tallies, func(i, j int) bool { return tallies[i].folded < tallies[j].folded })
	r.Identities = make([]Identity, 0, len(tallies))
	for _, t := range tallies {
		kind, count := User, users
		if t.device {
			kind, count = Device, devices
		}
		id := Identity{
			Name:      t.name,
			Kind:      kind,
			Features:  make([]string, len(t.features)),
			FirstSeen: time.Unix(t.first, 0).In(b.loc),
			LastSeen:  time.Unix(t.last, 0).In(b.loc),
		}
		for i, fi := range t.features {
			id.Features[i] = b.featNames[fi]
			count[fi]++
		}
		slices.Sort(id.Features)
		r.Identities = append(r.Identities, id)
		for d := range r.Days {
			if t.days&(1<<d) == 0 {
				continue
			}
			if kind == Device {
				r.Days[d].Devices++
			} else {
				r.Days[d].Users++
			}
		}
	}
	r.Features = make([]FeatureCount, len(b.featNames))
	for i, name := range b.featNames {
		r.Features[i] = FeatureCount{Feature: name, Users: users[i], Devices: devices[i]}
	}
	slices.SortFunc(r.Features, func(x, y FeatureCount) int { return strings.Compare(x.Feature, y.Feature) })
	return r
}

// ReadMonth is the one call the model needs: month m's report from FlexNet
// debug logs and an optional udadmin listing.
//
// Each log path is opened and streamed in the order given (one file's lines
// are dated on their own: a date never carries over between files). udadmin,
// when not nil, is a `udadmin -list -times` listing (live output or a
// captured file), named udadminSource in its problems. loc is the server's zone, used for the times in both;
// per-day counts use m's zone.
//
// problems holds what went wrong with single sources — a log that cannot be
// opened or read (as "PATH: error"), a malformed udadmin row
// (*LineError, "PATH:12: ...") — and the rest still counts. err is non-nil
// only when sources were given and not one of them could be read, so that an
// empty report is not mistaken for a month without use.
func ReadMonth(m Month, logs []string, udadmin io.Reader, udadminSource string, loc *time.Location) (rep *Report, problems []error, err error) {
	b := NewBuilder(m)
	read := 0
	for _, path := range logs {
		ok, perr := b.readLog(path, loc)
		if perr != nil {
			problems = append(problems, perr)
		}
		if ok {
			read++
		}
	}
	if udadmin != nil {
		as, errs := ParseUdadmin(udadmin, udadminSource, loc)
		for _, a := range as {
			b.AddAssignment(a)
		}
		problems = append(problems, errs...)
		b.AddSource("udadmin")
		if len(as) > 0 || len(errs) == 0 {
			read++
		}
	}
	if read == 0 && (len(logs) > 0 || udadmin != nil) {
		err = fmt.Errorf("usage for %s: none of the %d sources could be read", m, len(logs)+btoi(udadmin != nil))
	}
	return b.Report(), problems, err
}

// readLog scans one log into b; ok reports whether any of it could be read.
func (b *Builder) readLog(path string, loc *time.Location) (ok bool, err error) {
	f, err := regularfile.Open(path)
	if err != nil {
		return false, err // *os.PathError names the path already
	}
	defer f.Close()
	b.AddSource(path)
	info, err := f.Stat()
	if err != nil {
		return false, err
	}
	stats, err := b.scanParallel(f, info.Size(), loc)
	if err != nil {
		var pe *fs.PathError
		if !errors.As(err, &pe) { // a PathError names the file already
			err = fmt.Errorf("%s: %w", path, err)
		}
		return stats.Lines > 0, err
	}
	return true, nil
}

func btoi(v bool) int {
	if v {
		return 1
	}
	return 0
}
