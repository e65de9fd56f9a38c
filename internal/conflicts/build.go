package conflicts

import (
	"hash/maphash"
	"runtime"
	"slices"
	"strings"
	"sync"
)

// Building an index has three steps:
//
//  1. prepare (in parallel, in chunks of names): normalise each name and
//     write out its candidate keys;
//  2. intern (in name order, one goroutine): number each distinct word and
//     key in order of first appearance, and note each name's words and keys;
//  3. finish: lay the postings lists end to end (a counting sort by key).
//
// The finished index holds no pointers apart from its few distinct words
// (names, words per name, postings and the key table are flat arrays of
// numbers and bytes), so it costs the garbage collector almost nothing to
// keep a million names, and it takes about half the memory of slices and
// maps.

// chunkSize is how many names one preparing goroutine handles at a time.
const chunkSize = 2048

// prepared is a chunk of names, normalised, with their keys.
type prepared struct {
	tokens, phon []string // every name's words, back to back
	tokEnd       []int32  // name i's words end at tokEnd[i]
	distinct     []uint8
	keys         []byte   // every key, back to back
	keyEnd       []int32  // key j ends at keyEnd[j]
	keyHash      []uint64 // key j's hash
	nameKeyEnd   []int32  // name i's keys end at nameKeyEnd[i]
}

// prepare normalises parties and writes out their keys.
func prepare(parties []Party, seed maphash.Seed) *prepared {
	c := &prepared{}
	for _, p := range parties {
		k := Normalize(p.Name)
		c.tokens = append(c.tokens, k.Tokens...)
		c.phon = append(c.phon, k.Phonetic...)
		c.tokEnd = append(c.tokEnd, int32(len(c.tokens)))
		nd := 0
		for _, t := range k.Tokens {
			if distinctive(t) {
				nd++
			}
		}
		c.distinct = append(c.distinct, uint8(min(nd, 255)))
		key := func(parts ...string) {
			start := len(c.keys)
			for _, s := range parts {
				c.keys = append(c.keys, s...)
			}
			c.keyEnd = append(c.keyEnd, int32(len(c.keys)))
			c.keyHash = append(c.keyHash, maphash.Bytes(seed, c.keys[start:]))
		}
		for i, t := range k.Tokens {
			if distinctive(t) || (nd == 0 && len(t) > 1 && !isInitialCluster(t)) {
				key(keyPhon, k.Phonetic[i])
				key(keyPrefix, prefix4(t))
				if len(t) >= 5 {
					key(keySuffix, t[len(t)-4:])
				}
				if p := k.Phonetic[i]; len(p) >= 3 {
					key(keyTail, p[1:])
				}
			}
			if isInitialCluster(t) {
				key(keyCluster, t)
			}
			if i+1 < len(k.Tokens) { // "Al Farsi" is found by "Alfarsi"
				key(keyPhon, Phonetic(t+k.Tokens[i+1]))
			}
		}
		if len(k.Tokens) >= 2 && len(k.Tokens) <= 6 {
			key(keyAcronym, initialsOf(k.Tokens))
		}
		if len(k.Tokens) == 1 && len(k.Tokens[0]) >= 2 && len(k.Tokens[0]) <= 6 {
			key(keyAcronym, k.Tokens[0])
		}
		c.nameKeyEnd = append(c.nameKeyEnd, int32(len(c.keyEnd)))
	}
	return c
}

// NewIndex builds an index over parties.
func NewIndex(parties []Party) *Index {
	ix := &Index{
		ids:      make([]int64, 0, len(parties)),
		nameAt:   make([]uint32, 1, len(parties)+1),
		toks:     make([][4]int32, 0, len(parties)),
		distinct: make([]uint8, 0, len(parties)),
		moreAt:   []uint32{0},
	}
	ix.keys.init(len(parties))
	size := 0
	for _, p := range parties {
		size += len(p.Name)
	}
	var names strings.Builder
	names.Grow(size)
	dict := map[string]int32{}

	// Prepare chunks in parallel; intern them here in order.
	nChunks := (len(parties) + chunkSize - 1) / chunkSize
	ready := make([]chan *prepared, nChunks)
	for i := range ready {
		ready[i] = make(chan *prepared, 1)
	}
	workers := max(1, min(runtime.GOMAXPROCS(0), nChunks))
	if nChunks <= 1 { // a small index (a vendor's disclosures): no goroutines
		if nChunks == 1 {
			ready[0] <- prepare(parties, ix.keys.seed)
		}
		workers = 0
	}
	// At most this many chunks are prepared ahead of the interning, which
	// bounds the memory held by prepared chunks.
	ahead := make(chan struct{}, 2*max(workers, 1))
	var next sync.Mutex
	claimed := 0
	for range workers {
		go func() {
			for {
				ahead <- struct{}{}
				next.Lock()
				i := claimed
				claimed++
				next.Unlock()
				if i >= nChunks {
					<-ahead
					return
				}
				ready[i] <- prepare(parties[i*chunkSize:min((i+1)*chunkSize, len(parties))], ix.keys.seed)
			}
		}()
	}

	nameKeys := make([]int32, 0, 12*len(parties))  // every name's distinct key numbers, back to back
	nameKeyAt := make([]uint32, 1, len(parties)+1) // name i's are nameKeys[nameKeyAt[i]:nameKeyAt[i+1]]
	var counts []uint32                            // names per key
	var wordIDs []int32
	for ci := range nChunks {
		c := <-ready[ci]
		if workers > 0 {
			<-ahead
		}
		tok, key := 0, 0
		for i := range c.tokEnd {
			p := parties[ci*chunkSize+i]
			ix.ids = append(ix.ids, p.ID)
			names.WriteString(p.Name)
			ix.nameAt = append(ix.nameAt, uint32(names.Len()))

			wordIDs = wordIDs[:0]
			for ; tok < int(c.tokEnd[i]); tok++ {
				t := c.tokens[tok]
				id, ok := dict[t]
				if !ok {
					id = int32(len(ix.words))
					dict[t] = id
					ix.addWord(t, c.phon[tok])
				}
				wordIDs = append(wordIDs, id)
			}
			ix.setWords(wordIDs)
			ix.distinct = append(ix.distinct, c.distinct[i])

			start := len(nameKeys)
			from := 0
			if key > 0 {
				from = int(c.keyEnd[key-1])
			}
			for ; key < int(c.nameKeyEnd[i]); key++ {
				k := ix.keys.intern(c.keys[from:c.keyEnd[key]], c.keyHash[key])
				from = int(c.keyEnd[key])
				nameKeys = append(nameKeys, k)
			}
			mine := nameKeys[start:]
			slices.Sort(mine)
			nameKeys = nameKeys[:start+len(slices.Compact(mine))]
			for len(counts) < ix.keys.n {
				counts = append(counts, 0)
			}
			for _, k := range nameKeys[start:] {
				counts[k]++
			}
			nameKeyAt = append(nameKeyAt, uint32(len(nameKeys)))
		}
	}
	ix.names = names.String()

	// Lay the postings lists end to end, each in name order.
	ix.postAt = make([]uint32, len(counts)+1)
	for k, n := range counts {
		ix.postAt[k+1] = ix.postAt[k] + n
	}
	ix.post = make([]int32, len(nameKeys))
	fill := slices.Clone(ix.postAt[:len(counts)])
	for n := range len(ix.ids) {
		for _, k := range nameKeys[nameKeyAt[n]:nameKeyAt[n+1]] {
			ix.post[fill[k]] = int32(n)
			fill[k]++
		}
	}
	ix.keys.done()
	ix.more = slices.Clip(ix.more)
	ix.free = make(chan *scratch, 16)
	return ix
}

func (ix *Index) addWord(t, phon string) {
	ix.words = append(ix.words, t)
	ix.wordPhon = append(ix.wordPhon, phon)
	ix.wordInfo = append(ix.wordInfo, infoOf(t, phon))
}

// setWords records the next name's word numbers: up to four in toks
// (unused places hold -1), more in the overflow list more.
func (ix *Index) setWords(w []int32) {
	row := [4]int32{-1, -1, -1, -1}
	if len(w) <= 4 {
		copy(row[:], w)
	} else {
		row[0] = -2 - int32(len(ix.moreAt)-1)
		ix.more = append(ix.more, w...)
		ix.moreAt = append(ix.moreAt, uint32(len(ix.more)))
	}
	ix.toks = append(ix.toks, row)
}

// wordsOf returns name id's word numbers.
func (ix *Index) wordsOf(id int32) []int32 {
	row := &ix.toks[id]
	if row[0] < -1 {
		o := -2 - row[0]
		return ix.more[ix.moreAt[o]:ix.moreAt[o+1]]
	}
	n := 0
	for n < 4 && row[n] >= 0 {
		n++
	}
	return row[:n]
}

// name returns indexed name id as given.
func (ix *Index) name(id int32) string {
	return ix.names[ix.nameAt[id]:ix.nameAt[id+1]]
}

// keyTable numbers the candidate keys: an open-addressing hash table whose
// slots hold a key's number and part of its hash, over the keys' text laid
// end to end.
type keyTable struct {
	seed  maphash.Seed
	slots []uint64 // hash's top 32 bits << 32 | (key number + 1); 0 is empty
	text  []byte
	at    []uint32 // key k is text[at[k]:at[k+1]]
	n     int
}

func (t *keyTable) init(names int) {
	t.seed = maphash.MakeSeed()
	size := 16 // about one key per name to start with; it grows as needed
	for size < names {
		size <<= 1
	}
	t.slots = make([]uint64, size)
	t.at = []uint32{0}
}

// intern returns key's number, numbering it if new.
func (t *keyTable) intern(key []byte, h uint64) int32 {
	if 4*(t.n+1) > 3*len(t.slots) {
		t.grow()
	}
	mask := uint64(len(t.slots) - 1)
	tag := h >> 32 << 32
	for i := h & mask; ; i = (i + 1) & mask {
		s := t.slots[i]
		if s == 0 {
			t.text = append(t.text, key...)
			t.at = append(t.at, uint32(len(t.text)))
			t.n++
			t.slots[i] = tag | uint64(t.n)
			return int32(t.n - 1)
		}
		if k := int32(s&0xffffffff) - 1; s&^0xffffffff == tag && string(t.text[t.at[k]:t.at[k+1]]) == string(key) {
			return k
		}
	}
}

func (t *keyTable) grow() {
	old := t.slots
	t.slots = make([]uint64, 2*len(old))
	mask := uint64(len(t.slots) - 1)
	for k := range t.n {
		h := maphash.Bytes(t.seed, t.text[t.at[k]:t.at[k+1]])
		i := h & mask
		for t.slots[i] != 0 {
			i = (i + 1) & mask
		}
		t.slots[i] = h>>32<<32 | uint64(k+1)
	}
}

// done trims the spare capacity left from building.
func (t *keyTable) done() {
	t.text = slices.Clip(t.text)
	t.at = slices.Clip(t.at)
}

// find returns key's number.
func (t *keyTable) find(key string) (int32, bool) {
	h := maphash.String(t.seed, key)
	mask := uint64(len(t.slots) - 1)
	tag := h >> 32 << 32
	for i := h & mask; ; i = (i + 1) & mask {
		s := t.slots[i]
		if s == 0 {
			return 0, false
		}
		if k := int32(s&0xffffffff) - 1; s&^0xffffffff == tag && string(t.text[t.at[k]:t.at[k+1]]) == key {
			return k, true
		}
	}
}
