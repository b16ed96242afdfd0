package usage

import (
	"iter"
	"slices"
	"time"
)

// identityStore makes a report's identities and last uses from the
// Builder's tallies: all at once for a report that holds them, or, for one
// read with IdentitiesOnDemand, when asked for, from the sorted tallies
// and an index of the ones used in the month and of the leases in
// LastUses' order. Such a report costs the scan's state and 24 bytes an
// identity, not the 136 of an Identity and 72 of a LastUse beside it. Its
// tallies are the Builder's last state: nothing adds to them once a
// report holds them.
type identityStore struct {
	loc       *time.Location
	featNames []string
	lists     [][]string // Identity.Features, shared (see listOf)

	// On demand only:
	tallies  slabs[tally] // in key order (folded name)
	used     []storedIdentity
	lastUses []storedLastUse // by feature name, then folded name
}

type storedIdentity struct {
	tally    int32 // into tallies
	features int32 // into lists
}

type storedLastUse struct {
	tally   int32 // into tallies
	feature int32 // its lease's (see leaseOf)
}

// featureLists indexes the shared lists by feature set.
type featureLists map[uint64]int32

// listOf is t's Identity.Features, shared between identities that used the
// same features (most do: a server has a handful), one list per set
// instead of one per identity. Shared lists have no spare capacity, so an
// append by a reader copies.
func (st *identityStore) listOf(fl featureLists, t *tally) int32 {
	shared := t.featuresBelow64()
	if shared {
		if i, ok := fl[t.featureSet]; ok {
			return i
		}
	}
	features := t.appendFeatures(nil)
	list := make([]string, len(features))
	for i, fi := range features {
		list[i] = st.featNames[fi]
	}
	slices.Sort(list)
	i := int32(len(st.lists))
	st.lists = append(st.lists, list)
	if shared {
		fl[t.featureSet] = i
	}
	return i
}

func kindOf(t *tally) Kind {
	if t.device {
		return Device
	}
	return User
}

// setIdentity makes *id t's Identity, its features list i of lists: for a
// report that holds its identities (in place: no 136-byte copy each) as
// for one that makes them on demand.
func (st *identityStore) setIdentity(id *Identity, t *tally, list int32) {
	*id = Identity{
		Name:      t.name,
		Key:       t.folded,
		Kind:      kindOf(t),
		Features:  st.lists[list],
		Via:       t.hostList(), // shared: the report must not be appended to
		FirstSeen: time.Unix(t.first, 0).In(st.loc),
		LastSeen:  time.Unix(t.last, 0).In(st.loc),
	}
}

// setLastUse makes *lu the LastUse of t's lease l, likewise.
func (st *identityStore) setLastUse(lu *LastUse, t *tally, l lease) {
	*lu = LastUse{
		Feature: st.featNames[l.feature], Key: t.folded, Kind: kindOf(t),
		Last: time.Unix(l.last, 0).In(st.loc), Assigned: l.assigned,
	}
}

func (st *identityStore) identity(i int) (id Identity) {
	u := st.used[i]
	st.setIdentity(&id, st.tallies.at(uint32(u.tally)), u.features)
	return id
}

func (st *identityStore) lastUse(i int) (lu LastUse) {
	at := st.lastUses[i]
	t := st.tallies.at(uint32(at.tally))
	st.setLastUse(&lu, t, leaseOf(t, at.feature))
	return lu
}

// leaseOf is t's lease of feature, which it has: the index holds no other.
// By feature, not by place in t's leases, so that the index does not
// depend on how a tally keeps them.
func leaseOf(t *tally, feature int32) lease {
	if feature < leaseSlots && t.leaseSet&(1<<feature) != 0 {
		return t.slotLease(feature)
	}
	for _, l := range t.moreLeases() {
		if l.feature == feature {
			return l
		}
	}
	panic("usage: a last use indexed without its lease")
}

// IdentityCount is the number of identities: len(Identities), or of a
// report read with IdentitiesOnDemand.
func (r *Report) IdentityCount() int {
	if r.store != nil {
		return len(r.store.used)
	}
	return len(r.Identities)
}

// IdentityAt is identity i of IdentityCount, in Identities' order, whether
// the report holds them or makes them on demand.
func (r *Report) IdentityAt(i int) Identity {
	if r.store != nil {
		return r.store.identity(i)
	}
	return r.Identities[i]
}

// FeaturesAt is IdentityAt(i).Features, without making the identity: for a
// reader that needs only those (the entitlements' count this month).
func (r *Report) FeaturesAt(i int) []string {
	if r.store != nil {
		return r.store.lists[r.store.used[i].features]
	}
	return r.Identities[i].Features
}

// AllIdentities yields the identities in Identities' order, whether the
// report holds them or makes them on demand.
func (r *Report) AllIdentities() iter.Seq[Identity] { return byIndex(r.IdentityCount(), r.IdentityAt) }

// byIndex yields at(0), …, at(n-1).
func byIndex[T any](n int, at func(int) T) iter.Seq[T] {
	return func(yield func(T) bool) {
		for i := range n {
			if !yield(at(i)) {
				return
			}
		}
	}
}

// LastUseCount is the number of last uses: len(LastUses), or of a report
// read with IdentitiesOnDemand.
func (r *Report) LastUseCount() int {
	if r.store != nil {
		return len(r.store.lastUses)
	}
	return len(r.LastUses)
}

// LastUseAt is last use i of LastUseCount, in LastUses' order (by feature,
// then key: a reader can walk one feature's run, or merge two, by index),
// whether the report holds them or makes them on demand.
func (r *Report) LastUseAt(i int) LastUse {
	if r.store != nil {
		return r.store.lastUse(i)
	}
	return r.LastUses[i]
}

// LastUseFeatureAt is LastUseAt(i).Feature, without making the last use:
// for a reader that walks one feature's run of them.
func (r *Report) LastUseFeatureAt(i int) string {
	if r.store != nil {
		return r.store.featNames[r.store.lastUses[i].feature]
	}
	return r.LastUses[i].Feature
}

// AllLastUses yields the last uses in LastUses' order, whether the report
// holds them or makes them on demand.
func (r *Report) AllLastUses() iter.Seq[LastUse] { return byIndex(r.LastUseCount(), r.LastUseAt) }
