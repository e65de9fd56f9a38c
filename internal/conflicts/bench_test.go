package conflicts

import (
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

// Word material for synthetic party names. Stems are built from two
// syllable lists, giving thousands of distinct company and surname stems.
var (
	benchFirst = strings.Fields(`James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara
		Richard Susan Joseph Jessica Thomas Sarah Charles Karen Christopher Lisa Daniel Nancy Matthew Betty Anthony Sandra
		Mark Margaret Donald Ashley Steven Kimberly Paul Emily Andrew Donna Joshua Michelle Kenneth Carol Kevin Amanda Brian
		Melissa George Deborah Timothy Stephanie Ronald Rebecca Jason Sharon Edward Laura Jeffrey Cynthia Ryan Dorothy Jacob
		Amy Gary Kathleen Nicholas Angela Eric Shirley Jonathan Emma Stephen Brenda Larry Pamela Justin Nicole Scott Anna
		Mohammed Ahmed Ali Omar Fatima Aisha Yusuf Ibrahim Hassan Layla Wei Li Jing Min Hiroshi Yuki Kenji Akira Sergei
		Olga Ivan Dmitri Anastasia Pierre Marie Jean Sophie Luca Giulia Marco Francesca Hans Greta Lars Ingrid Raj Priya
		Arjun Ananya Vikram Deepa Carlos Sofia Miguel Lucia Jose Ana Kwame Amara Chinedu Ngozi Tariq Leila Rahul Sunita`)
	benchSyl1 = strings.Fields(`Tide Black Green Silver Gold Iron Stone River Oak Pine Maple Cedar Birch Elm Ash
		North South East West High Low Bright Clear Fair Grand Royal Noble Swift Bold Blue Red White Grey Crown Star Sun
		Moon Sky Storm Frost Snow Rain Wind Fire Hawk Eagle Falcon Raven Wolf Bear Fox Lion Harbor Bay Cliff Ridge Vale
		Glen Brook Lake Mill Kings Queens Bridge Castle Tower Hill Marsh Heath Moor Wood Field Thorn Rose Lily Ivy
		Copper Cobalt Granite Marble Amber Coral Pearl Jade Onyx Summit Apex Vertex Zenith Nova Astra Terra Aqua Vita
		Quant Nex Zen Omni Pro Tek Vanta Lumen Orbi Cyra Delta Sigma Kappa Alto Brava Corva Dura Ferro Galla Hela`)
	benchSyl2 = strings.Fields(`water wood field stone gate bridge ford haven port dale ley ton worth by ham well
		crest view point side land mark line path way core span wave light forge works smith wright mont berg burg stead
		shire more wick mere brook hurst combe ridge mouth croft holm thorpe garth fell vale ington ova ara ix ium ex
		ora ion tis ica eon ada ana ella ent ics tronic sys tex gen med lab soft net dyne logic cast tide sphere star`)
	benchLast = strings.Fields(`Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez
		Lopez Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark
		Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams Nelson Baker
		Hall Rivera Campbell Mitchell Carter Roberts Khan Patel Shah Singh Kumar Sharma Gupta Chen Wang Zhang Liu Yang
		Tanaka Suzuki Watanabe Ivanov Petrov Smirnov Volkov Muller Schmidt Schneider Fischer Weber Rossi Russo Ferrari
		Dubois Bernard Moreau Laurent Okafor Okonkwo Mensah Haddad Farsi Rashid Hussein Mansour Khalil Nakamura Kowalski`)
	benchIndustry = strings.Fields(`Logistics Holdings Capital Partners Group Industries Consulting Solutions Systems
		Technologies Services Trading Pharmaceuticals Foods Energy Resources Properties Ventures Investments Analytics
		Media Health Insurance Shipping Construction Manufacturing Advisors Translations Staffing Discovery Legal Realty
		Mining Motors Software Labs Bakery Brewery Textiles Metals Chemicals Aerospace Robotics Biotech Security Freight`)
	benchForms = []string{"", "", "Inc", "Inc.", "LLC", "Ltd", "Limited", "GmbH", "S.A.", "Pvt. Ltd.", "Corp.", "plc", "LLP", "B.V.", "Pty Ltd", "Co."}
)

func pick(r *rand.Rand, l []string) string { return l[r.IntN(len(l))] }

// benchName makes one synthetic party name: 40% people, 60% companies.
func benchName(r *rand.Rand) string {
	stem := func() string { return pick(r, benchSyl1) + pick(r, benchSyl2) }
	if r.IntN(10) < 4 {
		last := pick(r, benchLast)
		if r.IntN(2) == 0 {
			last = stem()
		}
		if r.IntN(10) == 0 {
			return pick(r, benchFirst) + " " + string(rune('A'+r.IntN(26))) + ". " + last
		}
		return pick(r, benchFirst) + " " + last
	}
	name := stem()
	switch r.IntN(10) {
	case 0, 1, 2:
		name += " " + stem()
	case 3:
		name = pick(r, benchLast) + " & " + pick(r, benchLast)
	case 4:
		name = pick(r, benchSyl1) + " " + stem()
	}
	if r.IntN(10) < 8 {
		name += " " + pick(r, benchIndustry)
	}
	if f := pick(r, benchForms); f != "" {
		name += " " + f
	}
	return name
}

// typo changes one letter of a name: delete, double or swap.
func typo(r *rand.Rand, s string) string {
	b := []byte(s)
	i := 1 + r.IntN(len(b)-2)
	switch r.IntN(3) {
	case 0:
		return string(slices.Delete(b, i, i+1))
	case 1:
		return string(slices.Insert(b, i, b[i]))
	default:
		b[i], b[i+1] = b[i+1], b[i]
		return string(b)
	}
}

// BenchmarkConflictCheck checks a 20-party matter against 1,000,000 party
// names and reports the p50 and p99 time of one check, the build time and the
// memory held by the index.
func BenchmarkConflictCheck(b *testing.B) {
	const size = 1_000_000
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	r := rand.New(rand.NewPCG(2026, 11))
	parties := make([]Party, size)
	for i := range parties {
		parties[i] = Party{ID: int64(i + 1), Name: benchName(r)}
	}
	ix := NewIndex(parties)
	build := time.Since(start)
	sample := make([]string, 2000)
	for i := range sample {
		sample[i] = parties[r.IntN(size)].Name
	}
	parties = nil
	runtime.GC()
	runtime.ReadMemStats(&after)
	indexMB := float64(after.HeapAlloc-before.HeapAlloc) / (1 << 20)
	b.Logf("index of %d names: built in %v, %.0f MB held, %d words, %d keys", ix.Len(), build.Round(time.Millisecond), indexMB, len(ix.words), len(ix.postings))

	matters := make([][]string, 256)
	mr := rand.New(rand.NewPCG(7, 7))
	for i := range matters {
		m := make([]string, 20)
		for j := range m {
			if mr.IntN(2) == 0 {
				m[j] = typo(mr, sample[mr.IntN(len(sample))])
			} else {
				m[j] = benchName(mr) + " " + pick(mr, benchSyl1)
			}
		}
		matters[i] = m
	}

	report := func(b *testing.B, d []time.Duration) {
		slices.Sort(d)
		ms := func(q float64) float64 { return float64(d[int(q*float64(len(d)-1))]) / 1e6 }
		b.ReportMetric(ms(0.50), "p50-ms")
		b.ReportMetric(ms(0.99), "p99-ms")
		b.ReportMetric(indexMB, "index-MB")
		b.ReportMetric(build.Seconds(), "build-s")
	}

	b.Run("index", func(b *testing.B) {
		d := make([]time.Duration, 0, b.N)
		hits := 0
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			t0 := time.Now()
			hits += len(ix.Check(matters[i%len(matters)], threshold))
			d = append(d, time.Since(t0))
		}
		b.StopTimer()
		report(b, d)
		b.ReportMetric(float64(hits)/float64(b.N), "hits/check")
	})

	b.Run("reference-exact-map", func(b *testing.B) {
		exact := make(map[string]int32, ix.Len())
		for i, n := range ix.names {
			exact[Normalize(n).Sorted()] = int32(i)
		}
		d := make([]time.Duration, 0, b.N)
		hits := 0
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			t0 := time.Now()
			for _, n := range matters[i%len(matters)] {
				if _, ok := exact[Normalize(n).Sorted()]; ok {
					hits++
				}
			}
			d = append(d, time.Since(t0))
		}
		b.StopTimer()
		report(b, d)
		b.ReportMetric(float64(hits)/float64(b.N), "hits/check")
	})
}
