// Package lmstat reads what `lmutil lmstat -a` prints: the licence servers
// and vendor daemons with their state, and per feature the server's own
// counts (issued, in use) with the checkouts, queued requests and
// reservations listed under it. It also reads `lmstat -i` (the licence file
// summary) without failing.
//
// The counts are the server's: "Total of M licenses in use" is what the
// server counted, reservations and lingering licences included, so the rows
// under it need not add up to M and nothing here "corrects" it.
package lmstat

import (
	"fmt"
	"strings"
)

// Listing is one lmstat output.
type Listing struct {
	Name string // the source, as given to Parse; problems are reported against it

	Tool    string // the banner: "lmutil - Copyright (c) 1989-2024 Flexera. ..."
	Version string // lmstat's own version ("v11.14.0.1 build 188735 x64_lsb") when printed; "" when not
	// Taken is when the listing was made, as printed after "Flexible
	// License Manager status on" ("Tue 4/22/2025 11:08"): local time of the
	// server, the only line of the listing with a year. See TakenTime.
	Taken string

	ServerSpec   string        // "27000@host1,27000@host2": the servers asked
	LicenseFiles []LicenseFile // "License file(s) on HOST: PATH:"
	Servers      []Server      // one per "HOST: license server UP ..." or "HOST: <error>" line
	Daemons      []Daemon      // the vendor daemons under "Vendor daemon status"
	// Error is a status error that stands for the whole server, such as
	// "Error getting status: Cannot connect to license server system. (...)".
	Error string

	Features []Feature

	// Info is set for an `lmstat -i` listing (its NOTE or table header seen):
	// a licence file summary, no server state.
	Info bool
	// Inventory is the table of `lmstat -i`; empty for `lmstat -a`.
	Inventory []InventoryRow

	// Problems are the lines that were not understood; everything else loads.
	Problems []Problem
}

// LicenseFile is what a server reports it reads.
type LicenseFile struct {
	Host string
	// Path is as printed, without the trailing colon: several files are
	// joined by ':' (Linux) or ';' (Windows), and a Windows path holds a
	// drive's colon, so it is not split.
	Path string
}

// Server is one licence server (three for a triad) as the listing reports it.
type Server struct {
	Host    string
	Up      bool
	Master  bool
	Version string // "v11.19.8", "" when not printed
	Message string // why it is not up, as printed
	Line    int
}

// Daemon is a vendor daemon (CITRIX on a Citrix server).
type Daemon struct {
	Name    string
	Host    string // from "Vendor daemon status (on HOST):"
	Up      bool
	Version string
	Message string // why it is not up, as printed
	Line    int
}

// Feature is one "Users of FEATURE:" block.
type Feature struct {
	Name   string
	Issued int // "Total of N licenses issued"; 0 when uncounted or in error
	InUse  int // "Total of M licenses in use": the server's figure
	// Uncounted is "(Uncounted, node-locked)": no totals are printed.
	Uncounted bool
	// Error is the server's message when it printed one instead of totals
	// ("Error: 1 licenses, unsupported by licensed server").
	Error        string
	Pools        []Pool // the `"FEATURE" vX, vendor: V` blocks under the line
	Checkouts    []Checkout
	Queued       []Checkout // "... queued for N licenses": waiting, not in use
	Reservations []Reservation
	Line         int
}

// Pool is one version block of a feature: its version, vendor, expiry and
// the kind of licence ("floating license", "nodelocked license, locked to ...").
type Pool struct {
	Feature      string // as printed; real listings show blocks of other names under a feature
	Version      string
	Vendor       string
	Expiry       string
	Kind         string
	VendorString string
	Line         int
}

// Checkout is one row under a feature: a licence checked out (or queued).
type Checkout struct {
	User    string // may hold spaces ("Jane Doe Jr.")
	Host    string
	Display string // often a device, "/dev/tty", or garbage; "" when not printed
	Version string // the version the client asked for, without the "v"
	Server  string // "host3.domain.net/27002": the server and port that served it
	Handle  string
	// Start is as printed, "Fri 10/20 16:44" (no year: see StartTime).
	// Empty for a queued request.
	Start    string
	Licenses int    // the ", K licenses" tail; 1 without one
	Linger   string // "885098 / 1340160" from "(linger: 885098 / 1340160)"
	PID      string // the ", PID: N" tail some vendors print
	Extra    string // any other tail, kept as printed
	Line     int
}

// Reservation is "N RESERVATIONs for KIND NAME (server/port)".
type Reservation struct {
	Count  int
	Kind   string // HOST, GROUP, USER, DISPLAY, HOST_GROUP, INTERNET, PROJECT ...
	Name   string
	Server string
	Line   int
}

// InventoryRow is a row of the `lmstat -i` table, by its column headers.
type InventoryRow struct {
	Feature  string
	Version  string
	Licenses string
	Expires  string
	Vendor   string
	Line     int
}

// Problem is a line the parser did not understand.
type Problem struct {
	File    string
	Line    int
	Message string
}

func (p Problem) Error() string { return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Message) }

// Down reports an `lmstat -a` listing in which no licence server is up:
// "Error getting status", or every server line an error, or no server line
// at all. Such a listing has no features and is not a parse error. An
// `lmstat -i` listing (Info) says nothing of the server and is never down.
func (l *Listing) Down() bool {
	if l.Info {
		return false
	}
	for _, s := range l.Servers {
		if s.Up {
			return false
		}
	}
	return true
}

// BannerOnly reports an `lmstat -a` listing that holds nothing but lmutil's
// banner (and the "Flexible License Manager status" line): no server line,
// no status error, no feature. lmutil prints that when it reached no
// server it could name, so it says nothing of usage, not "0 in use".
func (l *Listing) BannerOnly() bool {
	return !l.Info && len(l.Servers) == 0 && len(l.Daemons) == 0 && len(l.Features) == 0 &&
		len(l.LicenseFiles) == 0 && l.Error == "" && l.ServerSpec == ""
}

// Feature returns the block of a feature, compared case-insensitively (as
// FlexNet does), or nil.
func (l *Listing) Feature(name string) *Feature {
	for i := range l.Features {
		if strings.EqualFold(l.Features[i].Name, name) {
			return &l.Features[i]
		}
	}
	return nil
}

// CheckedOut is the sum of the rows' licences: detail, not the server's
// total (InUse), which also counts reservations and lingering licences.
func (f *Feature) CheckedOut() int {
	n := 0
	for _, c := range f.Checkouts {
		n += c.Licenses
	}
	return n
}
