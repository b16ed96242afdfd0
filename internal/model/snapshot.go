// Package model is the licence server as data: one Snapshot of a licensing
// root with its licence files, entitlements, expirations, this month's usage,
// the anonymization setting and the upload payloads. It knows nothing of the
// terminal.
package model

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/lsui/lsui/internal/regularfile"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/lsui/lsui/internal/model/config"
	"github.com/lsui/lsui/internal/model/licfile"
	"github.com/lsui/lsui/internal/model/lmstat"
	"github.com/lsui/lsui/internal/model/uploads"
	"github.com/lsui/lsui/internal/model/usage"
)

// Options say what to load and how.
type Options struct {
	Root string // a resolved licensing root (see ResolveRoot)
	Demo bool   // Root is a private copy of the demo server
	// Now is the clock; zero means time.Now(). A fixed Now gives
	// byte-identical output.
	Now time.Time
	// Location is the server's zone for month boundaries and log times;
	// nil means time.Local.
	Location *time.Location
	// Month to aggregate usage for; zero means the month holding Now.
	Month usage.Month
	// UdadminFile is a captured `udadmin -list -times` listing. When empty,
	// LS/udadmin is run if it exists, unless NoExec.
	UdadminFile string
	// LmstatFile is a captured `lmstat -a` listing. When empty, LS/lmstat
	// -a -c @localhost (or LS/lmutil lmstat …) is run if it exists, unless
	// NoExec.
	LmstatFile string
	NoExec     bool
	// WarnDays is the "expiring soon" window; 0 takes the settings' value or 30.
	WarnDays int
	// IdentitiesOnDemand reads the usage report with
	// usage.ReadOptions.IdentitiesOnDemand: its Identities and LastUses
	// stay nil, for a caller that reads them only through the report's
	// methods (IdentityCount/IdentityAt, LastUseCount/LastUseAt, All*):
	// a payload build.
	IdentitiesOnDemand bool
	// UsageOnly is for a caller that shows the usage report and nothing
	// that weighs it against the licences (lsui usage): Load neither runs
	// lmstat nor counts entitlements, which only the in-use figures need,
	// and Snapshot.Lmstat and Snapshot.Entitlements stay nil.
	UsageOnly bool

	// leaseSince is Now less the longest lease (LP) of the installed
	// licences, set by Load: how far back the report's last uses must
	// reach, so the logs are read from there (usage.ReadOptions.Since).
	leaseSince time.Time
}

// leaseSince is how far back before now a report must reach for "in use"
// (DOMAIN.md §4.4): the longest LP of lines, at least DefaultLeaseDays.
func leaseSince(lines []*licfile.Line, now time.Time) time.Time {
	days := DefaultLeaseDays
	for _, l := range lines {
		days = max(days, l.LeaseDays)
	}
	return now.AddDate(0, 0, -days)
}

// Server is what the snapshot knows of the licence server itself.
type Server struct {
	Host    string // FQDN from a SERVER line's HOSTNAME=, else the OS host name
	Version string // licence server version from the debug log, "" when unknown
}

// Problem is something that did not load, with where it came from. Licence
// parse errors are kept apart in Snapshot.ParseErrors.
type Problem struct {
	File    string // relative to the root; "" when the message names its source
	Line    int    // 0 when not about one line
	Message string
}

func (p Problem) Error() string {
	if p.File == "" {
		return p.Message
	}
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Message)
	}
	return fmt.Sprintf("%s: %s", p.File, p.Message)
}

// Snapshot is a licensing root as loaded at one moment.
type Snapshot struct {
	Layout   Layout
	Demo     bool
	Now      time.Time
	Location *time.Location
	WarnDays int

	Server       Server
	Files        []*licfile.File
	Lines        []*licfile.Line // every INCREMENT/FEATURE line, in file order
	ParseErrors  []licfile.ParseError
	Entitlements []Entitlement
	Expirations  []Expiration
	Usage        *usage.Report
	// Lmstat is the live checkouts listing (lmstat -a), nil when none was
	// read; LmstatSource names it ("lmstat" for live output, else the file).
	Lmstat       *lmstat.Listing
	LmstatSource string
	// LmstatRefused is why a listing that was read is not used (an
	// `lmstat -i` file, a listing with only lmutil's banner), naming its
	// source; nil when none was refused. It is also in Problems.
	LmstatRefused *Problem
	Config        *config.Config // nil when ConfigErr is set
	ConfigErr     error
	Settings      *Settings
	Uploads       []uploads.Upload
	Problems      []Problem

	licenceFolder    bool  // MyFiles exists and could be listed
	licenceFolderErr error // why MyFiles could not be listed, when it exists
}

// Load reads a licensing root. It fails only when the root itself cannot be
// read; every other problem is recorded in the snapshot and the rest loads.
func Load(ctx context.Context, opt Options) (*Snapshot, error) {
	if opt.Now.IsZero() {
		opt.Now = time.Now()
	}
	if opt.Location == nil {
		opt.Location = time.Local
	}
	if _, err := os.ReadDir(opt.Root); err != nil {
		return nil, fmt.Errorf("licensing root %s: %w", opt.Root, err)
	}
	s := &Snapshot{
		Layout:   NewLayout(opt.Root),
		Demo:     opt.Demo,
		Now:      opt.Now.In(opt.Location),
		Location: opt.Location,
	}
	settings, err := ReadSettings(s.Layout.lsuiConfig)
	if err != nil {
		s.problem(s.Layout.lsuiConfig, 0, err)
		settings = &Settings{path: s.Layout.lsuiConfig}
	}
	s.Settings = settings
	s.WarnDays = opt.WarnDays
	if s.WarnDays <= 0 {
		s.WarnDays = settings.WarnDays
	}
	if s.WarnDays <= 0 {
		s.WarnDays = DefaultWarnDays
	}

	s.loadLicences()
	month := opt.Month
	if month.Start.IsZero() {
		month = usage.MonthOf(s.Now, opt.Location)
	}
	opt.Now = s.Now
	opt.leaseSince = leaseSince(s.Lines, s.Now)
	report, problems := LoadUsage(ctx, s.Layout, month, opt)
	s.Usage = report
	s.Problems = append(s.Problems, problems...)
	s.Server.Version = report.Version
	if !opt.UsageOnly {
		s.loadLmstat(ctx, opt)
		s.Entitlements = Entitlements(s.Lines, s.Usage, s.Lmstat, s.Now, s.Settings)
	}
	s.Expirations = Expirations(s.Lines, s.Now, s.WarnDays)

	s.Config, s.ConfigErr = config.Read(s.Layout.Config)
	if s.ConfigErr != nil {
		s.Config = nil
	}

	list, _, err := uploads.List(uploads.Dir(s.Layout.UsageDir)) // lsui's own stream
	s.Uploads = list
	if err != nil {
		s.problem(filepath.Join(uploads.Dir(s.Layout.UsageDir), uploads.JournalName), 0, err)
	}
	if s.Server.Host == "" {
		s.Server.Host, _ = os.Hostname()
	}
	return s, nil
}

func (s *Snapshot) problem(path string, line int, err error) {
	s.Problems = append(s.Problems, Problem{File: s.Layout.Rel(path), Line: line, Message: err.Error()})
}

func (s *Snapshot) loadLicences() {
	entries, err := os.ReadDir(s.Layout.MyFiles)
	if err != nil {
		// A missing folder is the snapshot's LicenceState (Licensing), not a
		// problem; one that cannot be listed is both.
		if !errors.Is(err, fs.ErrNotExist) {
			s.problem(s.Layout.MyFiles, 0, err)
			s.licenceFolderErr = err
		}
		return
	}
	s.licenceFolder = true
	var hosts []string
	for _, e := range entries {
		if e.IsDir() || !strings.EqualFold(filepath.Ext(e.Name()), ".lic") {
			continue
		}
		path := filepath.Join(s.Layout.MyFiles, e.Name())
		f, err := regularfile.Open(path)
		if err != nil {
			s.problem(path, 0, err)
			continue
		}
		lf, err := licfile.Parse(s.Layout.Rel(path), f)
		f.Close()
		if err != nil {
			s.problem(path, 0, err)
			if lf == nil {
				continue
			}
		}
		s.Files = append(s.Files, lf)
		s.Lines = append(s.Lines, lf.Lines...)
		s.ParseErrors = append(s.ParseErrors, lf.Errors...)
		for _, srv := range lf.Servers {
			if h := srv.HostName(); h != "" {
				hosts = append(hosts, h)
			}
		}
	}
	s.Server.Host = ServerFQDN(hosts)
}

// ServerFQDN picks the server's name from its licence files' SERVER lines
// (DOMAIN.md §2.9): a name with a dot (an FQDN) over one without, the most
// frequent when several differ, the first seen on a tie. "" when there is
// none; the caller then takes the OS host name. Names compare
// case-insensitively.
func ServerFQDN(hosts []string) string {
	type cand struct {
		name  string
		count int
		first int
	}
	var cands []*cand
	byFold := map[string]*cand{}
	for i, h := range hosts {
		h = strings.TrimSpace(h)
		if h == "" {
			continue
		}
		k := strings.ToLower(h)
		c := byFold[k]
		if c == nil {
			c = &cand{name: h, first: i}
			byFold[k] = c
			cands = append(cands, c)
		}
		c.count++
	}
	var best *cand
	for _, c := range cands {
		dotted := strings.Contains(c.name, ".")
		switch {
		case best == nil:
			best = c
		case dotted != strings.Contains(best.name, "."):
			if dotted {
				best = c
			}
		case c.count > best.count:
			best = c
		}
	}
	if best == nil {
		return ""
	}
	return best.name
}

// liveUdadmin names live udadmin output in its problems.
const liveUdadmin = "udadmin"

// LoadUsage aggregates one month of usage from the debug logs (streamed) and
// the udadmin listing, as of opt.Now when set (later events have not
// happened yet). The dashboard calls it again to change month. lsui.json's
// domain_truncation applies, read here so that every caller counts alike.
func LoadUsage(ctx context.Context, l Layout, month usage.Month, opt Options) (*usage.Report, []Problem) {
	var problems []Problem
	keepDomains := false
	if settings, err := ReadSettings(l.lsuiConfig); err == nil {
		keepDomains = settings.KeepDomains()
	} // an unreadable lsui.json is Load's problem to report, once
	logs, _ := filepath.Glob(filepath.Join(l.LS, "*.log"))
	sort.Strings(logs)
	udadmin, source, closeListing, err := udadminListing(ctx, l, opt)
	defer closeListing()
	if err != nil {
		problems = append(problems, Problem{File: l.Rel(source), Message: err.Error()})
	}
	if source == l.Udadmin {
		source = liveUdadmin // live output: its rows have no file to point at
	}
	since := opt.leaseSince
	if since.IsZero() {
		// Not from Load (the dashboard's month switch): the default lease.
		// The Usage tab shows the month, whose start bounds the read anyway
		// for any month but the last three.
		now := opt.Now
		if now.IsZero() {
			now = time.Now()
		}
		since = now.AddDate(0, 0, -DefaultLeaseDays)
	}
	rep, errs, err := usage.Read(usage.ReadOptions{
		Month: month, Logs: logs, Udadmin: udadmin, UdadminSource: l.Rel(source),
		Location: month.Start.Location(), KeepDomains: keepDomains, Now: opt.Now, Since: since,
		IdentitiesOnDemand: opt.IdentitiesOnDemand,
	})
	if err != nil {
		errs = append(errs, err)
	}
	if c, ok := udadmin.(*cappedListing); ok && c.over {
		// Said first, as when the listing was read before it was parsed.
		problems = append([]Problem{{File: l.Rel(source), Message: c.err().Error()}}, problems...)
	}
	for _, e := range errs {
		// A line of a file (a log, a captured listing) is a problem a view
		// can point at: File and Line, the root-relative path like the
		// other problems'. Live udadmin output has no file to point at.
		var le *usage.LineError
		if errors.As(e, &le) && le.Source != liveUdadmin {
			problems = append(problems, Problem{File: l.Rel(le.Source), Line: le.Line, Message: le.Err.Error()})
			continue
		}
		problems = append(problems, Problem{Message: e.Error()})
	}
	return rep, problems
}

// maxListing caps what udadmin may print; a real listing of 100k
// assignments is about 8 MB.
const maxListing = 256 << 20

// udadminListing is the udadmin listing as a stream. A captured file is
// parsed as it is read, never held whole (a listing of 1M assignments is
// 70 MB); live output is at most maxListing, held. closeListing is always
// safe to call.
func udadminListing(ctx context.Context, l Layout, opt Options) (listing io.Reader, source string, closeListing func(), err error) {
	if file := opt.UdadminFile; file != "" {
		f, err := regularfile.Open(file)
		if err != nil {
			return nil, file, func() {}, err
		}
		return &cappedListing{r: f}, file, func() { f.Close() }, nil
	}
	data, source, err := toolListing(ctx, l, "", opt.NoExec, l.Udadmin, "-list", "-times")
	if data == nil {
		return nil, source, func() {}, err
	}
	return bytes.NewReader(data), source, func() {}, err
}

// cappedListing reads a captured listing up to maxListing+1 bytes, as
// toolListing does, and then ends it; over says it is larger than
// maxListing.
type cappedListing struct {
	r    io.Reader
	n    int64
	over bool
}

func (c *cappedListing) Read(p []byte) (int, error) {
	left := maxListing + 1 - c.n
	if left <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > left {
		p = p[:left]
	}
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.n > maxListing {
		c.over = true
	}
	return n, err
}

func (c *cappedListing) err() error { return fmt.Errorf("larger than %d MiB", maxListing>>20) }

// toolListing is a captured listing (file, when not "") or the output of
// running tool with args in LS (unless noExec, or tool does not exist). The
// source is the file or the tool's path.
func toolListing(ctx context.Context, l Layout, file string, noExec bool, tool string, args ...string) ([]byte, string, error) {
	if file != "" {
		f, err := regularfile.Open(file)
		if err != nil {
			return nil, file, err
		}
		defer f.Close()
		data, err := io.ReadAll(io.LimitReader(f, maxListing+1))
		if err == nil && len(data) > maxListing {
			err = fmt.Errorf("larger than %d MiB", maxListing>>20)
		}
		return data, file, err
	}
	if noExec {
		return nil, "", nil
	}
	if st, err := os.Stat(tool); err != nil || st.IsDir() {
		return nil, "", nil
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, tool, args...)
	cmd.Dir = l.LS
	var out limitedBuffer
	out.max = maxListing
	cmd.Stdout = &out
	if err := cmd.Run(); err != nil {
		return nil, tool, fmt.Errorf("%s %s: %w", filepath.Base(tool), strings.Join(args, " "), err)
	}
	return out.Bytes(), tool, nil
}

// lmstatArgs ask the local server for every feature and checkout.
var lmstatArgs = []string{"-a", "-c", "@localhost"}

// loadLmstat reads the live checkouts: a captured listing, else LS/lmstat,
// else LS/lmutil lmstat. A listing of a server that is down is kept (its
// state is worth showing) but counts nothing.
func (s *Snapshot) loadLmstat(ctx context.Context, opt Options) {
	l := s.Layout
	data, source, err := toolListing(ctx, l, opt.LmstatFile, opt.NoExec, l.Lmstat, lmstatArgs...)
	if data == nil && err == nil && opt.LmstatFile == "" && source == "" {
		data, source, err = toolListing(ctx, l, "", opt.NoExec, l.Lmutil, append([]string{"lmstat"}, lmstatArgs...)...)
	}
	if err != nil {
		s.Problems = append(s.Problems, Problem{File: l.Rel(source), Message: err.Error()})
		return
	}
	if data == nil {
		return
	}
	name := l.Rel(source)
	if source == l.Lmstat || source == l.Lmutil {
		name = "lmstat" // live output: its lines have no file to point at
	}
	listing, err := lmstat.Parse(bytes.NewReader(data), name)
	if err != nil {
		s.Problems = append(s.Problems, Problem{File: name, Message: err.Error()})
		if listing == nil {
			return
		}
	}
	refuse := func(why string) {
		p := Problem{File: name, Message: why + "; concurrent in use is counted from the debug logs"}
		s.Problems = append(s.Problems, p)
		s.LmstatRefused = &p
	}
	switch {
	case listing.Info:
		refuse("an lmstat -i listing (the licence file summary), not lmstat -a: it says nothing of checkouts (capture `lmstat -a -c @localhost`)")
		return
	case listing.BannerOnly():
		refuse("holds no feature usage: only lmutil's banner — server unreachable?")
		return
	}
	for _, p := range listing.Problems {
		s.Problems = append(s.Problems, Problem{File: p.File, Line: p.Line, Message: p.Message})
	}
	s.Lmstat, s.LmstatSource = listing, name
}

type limitedBuffer struct {
	bytes.Buffer
	max int
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if b.Len()+len(p) > b.max {
		return 0, fmt.Errorf("output larger than %d MiB", b.max>>20)
	}
	return b.Buffer.Write(p)
}

// HasCSP reports whether a CSP licence is present (IsCSPLine). False may
// also mean unknown: see CSPState.
func (s *Snapshot) HasCSP() bool {
	for _, l := range s.Lines {
		if s.IsCSP(l) {
			return true
		}
	}
	return false
}

// IsCSP applies the CSP rule to one line.
func (s *Snapshot) IsCSP(l *licfile.Line) bool { return IsCSPLine(l, s.Settings) }

// At is the snapshot as it stood at t, earlier in this month or the month
// before: the same licence files, with usage cut at the end of t's day. The
// demo uses it to build the payloads its server "already uploaded" without
// loading the root again for each.
func (s *Snapshot) At(ctx context.Context, t time.Time, opt Options) *Snapshot {
	past := *s
	past.Now = t.In(s.Location)
	month := usage.MonthOf(past.Now, s.Location)
	y, m, d := past.Now.Date()
	if end := time.Date(y, m, d+1, 0, 0, 0, 0, s.Location); end.Before(month.End) {
		month.End = end
	}
	opt.Now = past.Now
	opt.leaseSince = leaseSince(past.Lines, past.Now)
	report, problems := LoadUsage(ctx, s.Layout, month, opt)
	past.Usage = report
	past.Problems = append(append([]Problem(nil), s.Problems...), problems...)
	// lmstat saw the server now, not at t: the past counts from the logs.
	past.Lmstat, past.LmstatSource, past.LmstatRefused = nil, "", nil
	past.Entitlements = Entitlements(past.Lines, report, nil, past.Now, s.Settings)
	past.Expirations = Expirations(past.Lines, past.Now, s.WarnDays)
	return &past
}
