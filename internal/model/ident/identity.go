package ident

import "strings"

// SplitUserHost splits FlexNet's "user@host" (DOMAIN.md §4.1). The host is
// the machine that asked (a Delivery Controller), not a domain, and the user
// part may itself be a UPN, so the split is at the last "@". A token without
// "@" is all user.
func SplitUserHost(token string) (user, host string) {
	i := strings.LastIndexByte(token, '@')
	if i < 0 {
		return token, ""
	}
	return token[:i], token[i+1:]
}

// StripDomain is the user name without its domain: "CORP\jsmith" and
// "jsmith@corp.example" are "jsmith", as udadmin lists them when the server
// truncates domains (its default). A name that would be left empty
// ("CORP\", "@corp") is kept whole: it names something, if oddly.
func StripDomain(user string) string {
	u := user
	if i := strings.LastIndexByte(u, '\\'); i >= 0 {
		u = u[i+1:]
	}
	if i := strings.IndexByte(u, '@'); i >= 0 {
		u = u[:i]
	}
	if u == "" {
		return user
	}
	return u
}

// UserName is the name a user is shown and counted by: the user part of a
// user@host token (fromLog) or a udadmin row (bare), its domain removed
// unless keepDomain. The comparison form is its Fold.
func UserName(token string, fromLog, keepDomain bool) (name, host string) {
	name = token
	if fromLog {
		name, host = SplitUserHost(token)
	}
	if !keepDomain {
		name = StripDomain(name)
	}
	return name, host
}

// IsMachineAccount reports a Windows computer account ("DDC01$"): product
// components connecting, not people (DOMAIN.md §4.1).
func IsMachineAccount(user string) bool { return strings.HasSuffix(user, "$") }
