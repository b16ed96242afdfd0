package usage

import "hash/maphash"

// spellings indexes the user@host tokens a log writes, one entry per
// spelling. Every checkout line looks its token up, and at a real server's
// size (tens of thousands of identities) that lookup is the scan's cost:
// each cache line it touches is a miss. A Go map of strings touches its
// control word, its slot, the key's bytes elsewhere in the heap and then the
// value. Here the table's slots are the records themselves, one cache line
// each, holding the token's bytes (when short, as nearly all are) beside
// everything a checkout needs: a lookup is one miss, and a collision's
// next probe the line beside it.
type spellings struct {
	seed  maphash.Seed
	table []spelling          // open addressing, linear probing; idx1 == 0: free
	shift uint                // 64 - log2(len(table)): a token's home is its hash >> shift
	text  slabs[spellingText] // by idx1-1: a slab at a time, so growing copies nothing
	grows int                 // how often the table has grown: a record's pointer is valid while this is unchanged
}

// tokenInline is how many bytes of a token its record holds: every
// user@host seen in the samples (DOMAIN.md §4.1) is shorter. A longer
// token is compared through its text.
const tokenInline = 40

// longToken is spelling.n for a token longer than tokenInline.
const longToken = 255

// spelling is one user@host token as a log writes it: what a checkout
// needs of it, laid out to fill one cache line
// (TestSpellingIsOneCacheLine), and with no pointer, so that the collector
// never reads the table and growing it copies with no write barrier.
type spelling struct {
	tok     [tokenInline]byte // the token's bytes, when it is no longer
	n       uint8             // len(token), or longToken
	machine bool              // the user part is a machine account
	// via: the token's host is in t.hosts already (or it has none), so a
	// use need not look for it.
	via bool
	// coToken: the token is co.token byte for byte, so an OUT can name it
	// without reading the text.
	coToken bool
	idx1    uint32 // 1 + its index in text; 0: a free slot
	hash    uint64 // of the token: growing the table hashes nothing again
	tally   uint32 // in Builder.tallies
	co      uint32 // in Builder.coIDList, for matching IN to OUT
}

// spellingText is what only a first sight or a rare path reads.
type spellingText struct {
	token string
	name  string // canonical: ident.UserName
	host  string
}

func newSpellings() spellings {
	const bits = 12
	return spellings{seed: maphash.MakeSeed(), table: make([]spelling, 1<<bits), shift: 64 - bits}
}

// hash is token's hash, for findHash and home.
func (s *spellings) hash(token []byte) uint64 { return maphash.Bytes(s.seed, token) }

// home is the slot where a token of hash h is looked for first.
func (s *spellings) home(h uint64) *spelling { return &s.table[h>>s.shift] }

// findHash is the spelling of token, whose hash is h, nil when it has none
// yet. The pointer is valid until the next add.
func (s *spellings) findHash(token []byte, h uint64) *spelling {
	mask := len(s.table) - 1
	for i := int(h >> s.shift); ; i = (i + 1) & mask {
		sp := &s.table[i]
		switch {
		case sp.idx1 == 0:
			return nil
		case len(token) <= tokenInline:
			if int(sp.n) == len(token) && string(sp.tok[:len(token)]) == string(token) {
				return sp
			}
		case sp.n == longToken && s.text.at(sp.idx1-1).token == string(token):
			return sp
		}
	}
}

// add indexes sp, a spelling findHash did not find, under text.token,
// whose hash is h. The pointer is valid until the next add.
func (s *spellings) add(sp spelling, text spellingText, h uint64) *spelling {
	if len(text.token) <= tokenInline {
		sp.n = uint8(copy(sp.tok[:], text.token))
	} else {
		sp.n = longToken
	}
	*s.text.add() = text
	sp.idx1 = s.text.n
	sp.hash = h
	if 2*int(s.text.n) > len(s.table) {
		s.grow()
	}
	return s.place(sp)
}

// place puts sp in the first free slot from its home.
func (s *spellings) place(sp spelling) *spelling {
	mask := len(s.table) - 1
	i := int(sp.hash >> s.shift)
	for s.table[i].idx1 != 0 {
		i = (i + 1) & mask
	}
	s.table[i] = sp
	return &s.table[i]
}

// grow doubles the table, keeping it at most half full.
func (s *spellings) grow() {
	old := s.table
	s.grows++
	s.table = hugeTable[spelling](2 * len(old))
	s.shift--
	for i := range old {
		if old[i].idx1 != 0 {
			s.place(old[i])
		}
	}
}

// textOf is what sp's token says beyond the lookup.
func (s *spellings) textOf(sp *spelling) *spellingText { return s.text.at(sp.idx1 - 1) }

// slabs holds values of T by index, allocated slabSize at a time: one
// allocation per slab instead of per value, neighbours in memory, and a
// value never moves, so a pointer to it stays valid.
type slabs[T any] struct {
	list [][]T
	n    uint32
}

const slabSize = 256 // a power of two: at is a shift and a mask

func (s *slabs[T]) at(i uint32) *T { return &s.list[i/slabSize][i%slabSize] }

// add is a new zero value at index n-1.
func (s *slabs[T]) add() *T {
	if s.n%slabSize == 0 {
		s.list = append(s.list, make([]T, slabSize))
	}
	s.n++
	return s.at(s.n - 1)
}

// permute reorders s so that the value at i is the one that was at
// order[i], order a permutation of 0…n-1: each value moves once, along
// the permutation's cycles, with no second copy of s.
func (s *slabs[T]) permute(order []uint32) {
	done := make([]uint64, (len(order)+63)/64)
	for start := range uint32(len(order)) {
		if done[start/64]&(1<<(start%64)) != 0 {
			continue
		}
		held := *s.at(start)
		for i := start; ; {
			done[i/64] |= 1 << (i % 64)
			j := order[i]
			if j == start {
				*s.at(i) = held
				break
			}
			*s.at(i) = *s.at(j)
			i = j
		}
	}
}

// keyIndex numbers string keys in the order they are added: the index of a
// tally by its folded name, of a checkout identity by its lower-case token.
// A Go map does the same, but at every growth it hashes every key again;
// first sights of a real server's identities are a tenth of the scan, and
// the table's slots keep their hash's top bits, so growing here moves
// eight-byte slots and hashes nothing.
type keyIndex struct {
	seed  maphash.Seed
	slots []uint64      // 0: free; else the hash's top 32 bits << 32 | index+1
	shift uint          // 64 - log2(len(slots))
	keys  slabs[string] // by index: a slab at a time, so growing copies nothing
}

func newKeyIndex() keyIndex {
	const bits = 10
	return keyIndex{seed: maphash.MakeSeed(), slots: make([]uint64, 1<<bits), shift: 64 - bits}
}

// intern is key's index, added when it had none (added true): one hash and
// one probe for a key seen for the first time, as for one seen before.
func (x *keyIndex) intern(key string) (idx uint32, added bool) {
	h := maphash.String(x.seed, key)
	i, ok := x.lookup(key, h)
	if ok {
		return uint32(x.slots[i]) - 1, false
	}
	*x.keys.add() = key
	slot := h>>32<<32 | uint64(x.keys.n)
	if 2*int(x.keys.n) > len(x.slots) {
		old := x.slots
		x.slots = hugeTable[uint64](2 * len(old))
		x.shift--
		for _, slot := range old {
			if slot != 0 {
				x.place(slot)
			}
		}
		x.place(slot)
	} else {
		x.slots[i] = slot // the free slot the lookup ended at
	}
	return x.keys.n - 1, true
}

// lookup is the slot holding key, whose hash is h (ok), or else the free
// slot its probe ended at.
func (x *keyIndex) lookup(key string, h uint64) (i int, ok bool) {
	mask := len(x.slots) - 1
	for i = int(h >> x.shift); ; i = (i + 1) & mask {
		slot := x.slots[i]
		if slot == 0 {
			return i, false
		}
		if slot>>32 == h>>32 && *x.keys.at(uint32(slot) - 1) == key {
			return i, true
		}
	}
}

// place puts slot in the first free one from its home.
func (x *keyIndex) place(slot uint64) {
	mask := len(x.slots) - 1
	i := int((slot >> 32 << 32) >> x.shift)
	for x.slots[i] != 0 {
		i = (i + 1) & mask
	}
	x.slots[i] = slot
}
