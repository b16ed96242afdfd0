package demo

import (
	"math/rand/v2"
	"strings"
)

// feature is a licence feature the demo's users check out.
type feature uint8

const (
	xdtPltUD      feature = iota // desktops, user/device: retail 250 + CSP 50
	xdtAdvUD                     // the expired evaluation, still used by a pilot group
	mpsEntCCU                    // published apps, concurrent user, 100
	cagPltCCU                    // NFR Gateway, 10
	cxsStdCCS                    // XenServer hosts, concurrent system, 10 (+1 overdraft)
	citrixStartup                // the start-up licence: controllers connecting, not users
	numFeatures
)

var featureNames = [numFeatures]string{"XDT_PLT_UD", "XDT_ADV_UD", "MPS_ENT_CCU", "CAG_PLT_CCU", "CXS_STD_CCS", "CITRIX"}

func (f feature) String() string { return featureNames[f] }

// userDevice reports the user/device features, the ones udadmin lists.
func (f feature) userDevice() bool { return f == xdtPltUD || f == xdtAdvUD }

// identityKind tells the simulated actors apart. Only udadmin's Devices:
// section makes an identity a device for lsui (DOMAIN.md §4); the kinds here
// drive how each one behaves.
type identityKind uint8

const (
	person identityKind = iota
	device
	host
	controller // a Delivery Controller's machine account (DDC01$)
)

// workPattern is how often and when a person works.
type workPattern uint8

const (
	fullTime   workPattern = iota
	partTime               // short days, fewer of them
	contractor             // a few days a month
	nightShift             // ward nurses: evening to morning, across midnight
	seasonal               // works one month in four (phase says which), then leaves a lease running
)

// deviceSchedule is how a shared device is used.
type deviceSchedule uint8

const (
	roundTheClock deviceSchedule = iota // ward PCs, sessions back to back day and night
	openingHours                        // lobby kiosks, every day
	labWeekdays                         // lab PCs
	seldom                              // the training PC
)

// identity is one actor in the demo and the spellings the logs use for it.
type identity struct {
	// name is the bare name udadmin shows (the server truncates domains,
	// DOMAIN.md §4.1).
	name string
	// spell is how the log's user part usually writes it ("" means name):
	// DEMO\user or a UPN for some accounts. alt is a second spelling some
	// sessions use for the same account (Alice.Smith, alice.smith@demo.example):
	// one person, counted once.
	spell, alt string
	// via is the host part for identities that come through no controller
	// (a XenServer host, a controller itself); "" means a Delivery
	// Controller or the Gateway, chosen per session.
	via     string
	kind    identityKind
	pattern workPattern
	// phase and lastDay place a seasonal worker: the months where (month
	// index + phase) % 4 == 0, up to day lastDay. Their last uses fall ten
	// days apart, so whatever the clock some lease is 70-90 days old.
	phase, lastDay int
	schedule       deviceSchedule
	features       [numFeatures]bool
	// cspSeat: udadmin shows this identity's XDT_PLT_UD assignment against
	// the CSP line's version rather than the retail line's.
	cspSeat bool
}

// population is every actor: people, then devices, XenServer hosts and the
// controllers' machine accounts. Its order is fixed and is the order the
// generators visit, so nothing depends on map iteration.
type population struct {
	ids []identity
	// deniedHost asks for a CXS_STD_CCS licence when all 10 + 1 overdraft
	// are taken; it only ever appears in DENIED lines.
	deniedHost string
	// spareDevice holds an XDT_PLT_UD assignment that udadmin knows about
	// but the debug logs never mention.
	spareDevice string
}

// logName is the identity's user part in a log line: its usual spelling, or
// its other one.
func (id *identity) logName(alt bool) string {
	switch {
	case alt && id.alt != "":
		return id.alt
	case id.spell != "":
		return id.spell
	}
	return id.name
}

const (
	numPeople      = 300
	udPeople       = 260 // people[0:260] use desktops (XDT_PLT_UD)
	mpsFrom        = 215 // people[215:300] use published apps (MPS_ENT_CCU)
	pilotPeople    = 12  // people[0:12] also use the evaluation (XDT_ADV_UD)
	cspSeatsFrom   = 220 // people[220:260] hold CSP seats
	seasonalFrom   = 240 // people[240:252] work one month in four
	seasonalTo     = 252
	mailDomain     = "@demo.example"
	populationSeed = 0x6c737569_64656d6f // fixed: the same people every month
)

var firstNames = []string{
	"aaron", "adriana", "ahmed", "aisha", "alan", "amelia", "ana", "andrew", "anna", "ben",
	"camille", "carlos", "carol", "chen", "chloe", "daniel", "david", "dmitri", "elena", "emily",
	"emma", "fatima", "felix", "grace", "hannah", "hiroshi", "ibrahim", "isabel", "jacob", "james",
	"jan", "jessica", "john", "julia", "kenji", "laura", "lena", "liam", "lucas", "maria",
	"mark", "marta", "mei", "michael", "mohammed", "nadia", "noah", "olivia", "omar", "paul",
	"pedro", "priya", "rachel", "rahul", "robert", "sara", "sophie", "thomas", "tom", "wei",
}

var lastNames = []string{
	"adams", "ahmed", "andersen", "baker", "bauer", "becker", "brown", "campbell", "chen", "clark",
	"costa", "davies", "dubois", "evans", "fischer", "garcia", "gonzalez", "green", "hall", "hansen",
	"hughes", "ivanova", "jackson", "jansen", "johnson", "kaur", "khan", "kim", "klein", "kowalski",
	"larsen", "lee", "lopez", "martin", "meyer", "miller", "moore", "murphy", "nakamura", "nguyen",
	"novak", "okafor", "patel", "peters", "rossi", "santos", "schmidt", "schneider", "silva", "singh",
	"smith", "taylor", "thompson", "walker", "wang", "weber", "white", "williams", "wilson", "wright",
}

// namedPeople pins the corner cases to fixed places in the population, so
// each lands in the role that shows it: jsmith of DOMAIN.md §4.1 in the
// evaluation pilot, a UPN and a non-ASCII name there too, DOMAIN\user
// accounts on published apps. udadmin shows name; the log spell and alt.
var namedPeople = []struct {
	at               int
	name, spell, alt string
}{
	{0, "jsmith", "", "JSmith"},
	{3, "alice.smith", "", "Alice.Smith" + mailDomain},
	{5, "zoë.müller", "", "Zoë.Müller"},
	{44, "bob.jones", "bob.jones" + mailDomain, "Bob.Jones"},
	{100, "r.okafor", `DEMO\r.okafor`, `demo\R.Okafor`},
	{150, "carol.white", "", "CAROL.WHITE"},
	{222, "daniel.nguyen", "", "Daniel.Nguyen" + mailDomain},
	{231, "josé.núñez", "", ""},
	{270, "h.tanaka", `DEMO\h.tanaka`, ""},
	{288, "m.kowalski", `DEMO\m.kowalski`, ""},
	{296, "svc_reporting", `DEMO\svc_reporting`, ""},
}

// svcReporting is the service account whose published-app sessions take two
// licences each: the log's "(2 licenses)" tail.
const svcReporting = 296

// controllers are the Delivery Controllers users come through, and whose
// machine accounts check out the start-up licence CITRIX when the licence
// server starts. gateway is the NetScaler Gateway (CAG_PLT_CCU).
var controllers = []string{"DDC01", "DDC02"}

const gateway = "NSGW01"

// The hardware: names are fixed because CITRIX.opt names the groups.
var devices = []struct {
	name, alt string
	schedule  deviceSchedule
}{
	{"WARD3-PC01", "", roundTheClock},
	{"WARD3-PC02", "", roundTheClock},
	{"KIOSK-01", "", openingHours},
	{"KIOSK-02", "", openingHours},
	{"KIOSK-03", "kiosk-03", openingHours},
	{"KIOSK-04", "", openingHours},
	{"LAB-PC07", "", labWeekdays},
	{"LAB-PC08", "", labWeekdays},
	{"LAB-PC09", "", labWeekdays},
	{"TRAIN-PC01", "", seldom},
}

const numHosts = 11 // CXS_STD_CCS: 10 installed + 1 overdraft, all taken

func newPopulation() *population {
	r := rand.New(rand.NewPCG(populationSeed, populationSeed>>7))
	names := make([]string, numPeople)
	spells := make([]string, numPeople)
	alts := make([]string, numPeople)
	taken := make(map[string]bool, numPeople) // membership only, never iterated
	for _, p := range namedPeople {
		names[p.at], spells[p.at], alts[p.at] = p.name, p.spell, p.alt
		taken[strings.ToLower(p.name)] = true
	}
	for i := range names {
		for names[i] == "" {
			n := firstNames[r.IntN(len(firstNames))] + "." + lastNames[r.IntN(len(lastNames))]
			if !taken[n] {
				taken[n] = true
				names[i] = n
				// Some sessions arrive with the UPN (a Workspace sign-in).
				if i%9 == 4 {
					alts[i] = n + mailDomain
				}
			}
		}
	}

	pop := &population{
		deniedHost:  "xshost12",
		spareDevice: "SPARE-LT03",
	}
	for i, n := range names {
		id := identity{name: n, spell: spells[i], alt: alts[i], kind: person, pattern: fullTime}
		switch {
		case i >= 18 && i < 21:
			id.pattern = nightShift
		case i >= seasonalFrom && i < seasonalTo:
			id.pattern, id.phase, id.lastDay = seasonal, i%4, 10*(1+i/4%3)
		case (i >= seasonalTo && i < udPeople) || i >= 290:
			id.pattern = contractor
		case i%7 == 0:
			id.pattern = partTime
		}
		id.features[xdtPltUD] = i < udPeople
		id.features[xdtAdvUD] = i < pilotPeople
		id.features[mpsEntCCU] = i >= mpsFrom
		id.features[cagPltCCU] = i >= pilotPeople && i < pilotPeople+6
		id.cspSeat = i >= cspSeatsFrom && i < udPeople
		pop.ids = append(pop.ids, id)
	}
	for _, d := range devices {
		id := identity{name: d.name, alt: d.alt, kind: device, schedule: d.schedule}
		id.features[xdtPltUD] = true
		pop.ids = append(pop.ids, id)
	}
	for h := 1; h <= numHosts; h++ {
		n := "xshost" + twoDigits(h)
		id := identity{name: n, via: n, kind: host}
		id.features[cxsStdCCS] = true
		pop.ids = append(pop.ids, id)
	}
	for _, c := range controllers {
		id := identity{name: c + "$", via: c, kind: controller}
		id.features[citrixStartup] = true
		pop.ids = append(pop.ids, id)
	}
	return pop
}

func twoDigits(n int) string {
	return string([]byte{byte('0' + n/10%10), byte('0' + n%10)})
}
