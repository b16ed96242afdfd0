package licfile

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// licenceLine reads
// "INCREMENT|FEATURE <feature> <vendor> <version> <expiry> <count> [KEY=value…]".
//
// Problems in the five positional fields make the line unusable for
// counting, so it is reported and not loaded. Problems in optional values
// are reported and the line is loaded with that field zero (see the package
// comment). Either way one ParseError per logical line, its reasons joined.
func (p *parser) licenceLine(kw string, lineNo int, words []word) {
	if len(words) < 6 {
		p.errorf(lineNo, "%s needs feature, vendor, version, expiry and count", kw)
		return
	}
	for _, w := range words[1:6] {
		if w.text == "" || w.eq >= 0 {
			p.errorf(lineNo, "%s needs feature, vendor, version, expiry and count", kw)
			return
		}
	}
	l := &Line{
		File:    p.file.Name,
		LineNo:  lineNo,
		Keyword: kw,
		Feature: words[1].text,
		Vendor:  words[2].text,
		Version: words[3].text,
	}
	l.CSSDate = cssDate(l.Version)
	l.Name = DecodeFeature(l.Feature)

	var fatal, soft []string
	if d, permanent, err := parseExpiry(words[4].text); err != nil {
		fatal = append(fatal, err.Error())
	} else {
		l.Expires, l.Permanent = d, permanent
	}
	if n, uncounted, err := parseCount(words[5].text); err != nil {
		fatal = append(fatal, err.Error())
	} else {
		l.Count, l.Uncounted = n, uncounted
	}
	if len(fatal) > 0 {
		p.errorf(lineNo, "%s %s: %s; line skipped", kw, clip(l.Feature), strings.Join(fatal, "; "))
		return
	}

	l.Fields = make([]KV, 0, len(words)-6)
	for _, w := range words[6:] {
		l.Fields = append(l.Fields, w.kv())
	}
	// The first occurrence of a key wins, as Field reports it.
	seen := map[string]bool{}
	for _, kv := range l.Fields {
		key := strings.ToUpper(kv.Key)
		if seen[key] {
			continue
		}
		seen[key] = true
		switch key {
		case "VENDOR_STRING":
			soft = append(soft, l.setVendorString(kv.Value)...)
		case "ISSUED":
			d, err := parseOptionalDate(kv.Value)
			if err != nil {
				soft = append(soft, "ISSUED "+err.Error())
			}
			l.Issued = d
		case "START":
			d, err := parseOptionalDate(kv.Value)
			if err != nil {
				soft = append(soft, "START "+err.Error())
			}
			l.Start = d
		case "NOTICE":
			l.Notice = kv.Value
		case "SN":
			l.Serial = kv.Value
		case "HOSTID":
			l.HostID = kv.Value
		case "DUP_GROUP":
			l.DupGroup = kv.Value
		}
	}
	if len(soft) > 0 {
		p.errorf(lineNo, "%s %s: %s; line loaded without those values", kw, clip(l.Feature), strings.Join(soft, "; "))
	}
	p.file.Lines = append(p.file.Lines, l)
}

// setVendorString decodes ";LT=Retail;GP=720;CL=VDS,VDA;…". Citrix starts
// the value with ";"; a value without it is split the same way. Parts with
// no "=" are kept with an empty value. It returns the problems found.
func (l *Line) setVendorString(v string) (problems []string) {
	// A dozen parts at most: a short list beats a map per line.
	var seenBuf [16]string
	seen := seenBuf[:0]
	for rest, more := v, true; more; {
		var part string
		part, rest, more = strings.Cut(rest, ";")
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, val, _ := strings.Cut(part, "=")
		k, val = strings.TrimSpace(k), strings.TrimSpace(val)
		l.VendorString = append(l.VendorString, KV{Key: k, Value: val})
		key := strings.ToUpper(k)
		if slices.Contains(seen, key) {
			continue
		}
		seen = append(seen, key)
		var err error
		switch key {
		case "LT":
			l.LicenseType = val
		case "GP":
			l.GraceHours, err = parseNonNegative(val)
		case "LP":
			l.LeaseDays, err = parseNonNegative(val)
		case "ODP":
			l.ODP, err = parseNonNegative(val)
		case "CL":
			for _, e := range strings.Split(val, ",") {
				if e = strings.TrimSpace(e); e != "" {
					l.Editions = append(l.Editions, e)
				}
			}
		case "SA":
			switch val {
			case "1":
				l.SA = true
			case "0", "":
			default:
				err = fmt.Errorf("%q is not 0 or 1", clip(val))
			}
		}
		if err != nil {
			problems = append(problems, "VENDOR_STRING "+k+" "+err.Error())
		}
	}
	return problems
}

// parseNonNegative reads a decimal count. The MaxInt32 cap keeps the
// arithmetic on counts (overdraft, sums) far from overflow.
func parseNonNegative(s string) (int, error) {
	if !isDigits(s) {
		if len(s) > 1 && s[0] == '-' && isDigits(s[1:]) {
			return 0, fmt.Errorf("%q is negative", clip(s))
		}
		return 0, fmt.Errorf("%q is not a whole number", clip(s))
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n > math.MaxInt32 {
		return 0, fmt.Errorf("%q is too large", clip(s))
	}
	return int(n), nil
}

// parseCount reads the count field: a number, with 0 or "uncounted"
// (any case) meaning uncounted.
func parseCount(s string) (n int, uncounted bool, err error) {
	if strings.EqualFold(s, "uncounted") {
		return 0, true, nil
	}
	n, err = parseNonNegative(s)
	if err != nil {
		return 0, false, fmt.Errorf("count %w (want a number or uncounted)", err)
	}
	return n, n == 0, nil
}

// parseExpiry reads "permanent" (any case) or dd-mmm-yyyy, where a year of
// 0 also means permanent (FlexNet convention: 1-jan-0, 01-jan-0000).
func parseExpiry(s string) (d Date, permanent bool, err error) {
	if strings.EqualFold(s, "permanent") {
		return Date{}, true, nil
	}
	d, yearZero, err := parseDate(s)
	if err != nil {
		return Date{}, false, fmt.Errorf("expiry %w (want dd-mmm-yyyy or permanent)", err)
	}
	if yearZero {
		return Date{}, true, nil
	}
	return d, false, nil
}

// parseOptionalDate reads ISSUED= and START=; a year-0 date there means
// "none" and gives the zero Date.
func parseOptionalDate(s string) (Date, error) {
	d, _, err := parseDate(s)
	return d, err
}

var monthAbbrev = [12]string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}

// parseDate reads dd-mmm-yyyy with the month name in any case. The year is
// four digits, or any run of zeros (FlexNet's "no date"), reported as
// yearZero with the zero Date. Two-digit years are refused rather than
// guessed at.
func parseDate(s string) (d Date, yearZero bool, err error) {
	parts := strings.Split(s, "-")
	if len(parts) != 3 {
		return Date{}, false, fmt.Errorf("%q is not a date", clip(s))
	}
	day, mon, year := parts[0], parts[1], parts[2]
	if !isDigits(day) || len(day) > 2 || !isDigits(year) || len(year) > 4 {
		return Date{}, false, fmt.Errorf("%q is not a date", clip(s))
	}
	m := 0
	for i, name := range monthAbbrev {
		if strings.EqualFold(mon, name) {
			m = i + 1
		}
	}
	if m == 0 {
		return Date{}, false, fmt.Errorf("%q has no month %q", clip(s), clip(mon))
	}
	y, _ := strconv.Atoi(year)
	dd, _ := strconv.Atoi(day)
	if y == 0 {
		return Date{}, true, nil
	}
	if len(year) != 4 {
		return Date{}, false, fmt.Errorf("%q: the year must have four digits", clip(s))
	}
	d = Date{Year: y, Month: time.Month(m), Day: dd}
	if !validDate(d) {
		return Date{}, false, fmt.Errorf("%q is not a date: %s %d has no day %d", clip(s), d.Month, y, dd)
	}
	return d, false, nil
}

// validDate reports a real calendar day; time.Date would roll 31 Feb over
// into March instead.
func validDate(d Date) bool {
	if d.Year < 1 || d.Month < time.January || d.Month > time.December || d.Day < 1 {
		return false
	}
	return DateOf(d.In(time.UTC)) == d
}

// cssDate reads a version of the form YYYY.MMDD as a date; anything else
// (a plain FlexNet version such as "1.0", an impossible date) is the zero
// Date, not an error: the version is still kept raw.
func cssDate(v string) Date {
	if len(v) != 9 || v[4] != '.' || !isDigits(v[:4]) || !isDigits(v[5:]) {
		return Date{}
	}
	y, _ := strconv.Atoi(v[:4])
	m, _ := strconv.Atoi(v[5:7])
	dd, _ := strconv.Atoi(v[7:])
	d := Date{Year: y, Month: time.Month(m), Day: dd}
	if !validDate(d) {
		return Date{}
	}
	return d
}
