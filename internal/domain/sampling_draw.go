package domain

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	mrand "math/rand/v2"
)

// Seeded draws: which items an audit samples, reproducible by anyone from
// the recorded seed and the population size.

// Stratum is one group of a stratified draw.
type Stratum struct {
	Name  string  `json:"name"`
	Size  int64   `json:"size"` // items in the stratum
	N     int     `json:"n"`    // drawn
	Drawn []int64 `json:"drawn,omitempty"`
}

// DrawSample draws n distinct positions from 1..population uniformly at
// random without replacement, reproducibly from seed: the same seed,
// population and n always give the same positions in the same order.
// It refuses an empty population, n < 1 and n > population.
//
// The algorithm, precisely, so anyone can reproduce a draw:
//
//  1. key = SHA-256 of the seed's UTF-8 bytes (32 bytes);
//  2. the random stream is ChaCha8 keyed with it (Go's math/rand/v2
//     NewChaCha8(key); the generator is specified by C2SP chacha8rand, so
//     its output is the same in every Go version), read as 64-bit words u;
//  3. a uniform integer below m is u mod m for the first word u below
//     2⁶⁴ − (2⁶⁴ mod m) (words at or above are skipped, so no bias);
//  4. a Fisher–Yates shuffle of 1..population stopped after n steps: at
//     step i = 0, 1, …, n−1, j = i + uniform(population − i); swap the
//     entries at i and j (entries never swapped hold their own 1-based
//     position); the i-th drawn position is the entry now at i.
//
// Only the swapped entries are kept (a map), so drawing 2,000 of
// 10,000,000 costs 2,000 steps.
func DrawSample(seed string, population int64, n int) ([]int64, error) {
	switch {
	case population < 1:
		return nil, Invalid("population", "there is nothing to sample: the population has %d items", population)
	case n < 1:
		return nil, Invalid("size", "the sample must have at least 1 item; got %d", n)
	case int64(n) > population:
		return nil, Invalid("size", "a sample of %d cannot be drawn without replacement from a population of %d", n, population)
	}
	r := mrand.NewChaCha8(sha256.Sum256([]byte(seed)))
	swapped := make(map[int64]int64, n)
	at := func(i int64) int64 {
		if v, ok := swapped[i]; ok {
			return v
		}
		return i + 1
	}
	out := make([]int64, n)
	for i := int64(0); i < int64(n); i++ {
		j := i + uniform(r, uint64(population-i))
		vi, vj := at(i), at(j)
		swapped[j] = vi
		swapped[i] = vj
		out[i] = vj
	}
	return out, nil
}

// uniform returns a uniform integer in [0, m) from r's 64-bit words by
// rejection (DrawSample step 3).
func uniform(r *mrand.ChaCha8, m uint64) int64 {
	limit := -(-m % m) // 2⁶⁴ − (2⁶⁴ mod m), computed mod 2⁶⁴; 0 means 2⁶⁴ (m divides 2⁶⁴)
	for {
		u := r.Uint64()
		if limit == 0 || u < limit {
			return int64(u % m)
		}
	}
}

// DrawStratified draws each stratum (a vendor professional's items) on its
// own: the stratum's sample size is size(stratum size), capped at the
// stratum, and its positions (1..Size within the stratum, in draw order)
// are DrawSample(seed + "/" + name, Size, n). Strata come back in the order
// given with N and Drawn filled. The caller numbers each stratum's items
// 1..Size in population order (`probity audit sample --stratify` does). It refuses no strata, a stratum without
// items, a name given twice and a size below 1.
func DrawStratified(seed string, strata []Stratum, size func(stratumSize int64) int) ([]Stratum, error) {
	if len(strata) == 0 {
		return nil, Invalid("population", "there is nothing to sample: no strata")
	}
	seen := make(map[string]bool, len(strata))
	out := make([]Stratum, len(strata))
	for i, s := range strata {
		if seen[s.Name] {
			return nil, Invalid("stratum", "stratum %q is given twice", s.Name)
		}
		seen[s.Name] = true
		if s.Size < 1 {
			return nil, Invalid("population", "stratum %q has no items to sample", s.Name)
		}
		n := size(s.Size)
		if int64(n) > s.Size {
			n = int(s.Size)
		}
		drawn, err := DrawSample(seed+"/"+s.Name, s.Size, n)
		if err != nil {
			return nil, err
		}
		out[i] = Stratum{Name: s.Name, Size: s.Size, N: n, Drawn: drawn}
	}
	return out, nil
}

// NewSeed returns a fresh random seed to record on an audit: 16 random
// bytes, in hex.
func NewSeed() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go ≥ 1.24)
	return hex.EncodeToString(b[:])
}
