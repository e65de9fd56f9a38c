// Package synthnames makes synthetic party names for the conflict-check
// benchmarks and tests: people ("Priya Okafor", "John A. Stonebridge") and
// companies ("Tidewater Logistics LLC", "Harbor Crest Capital Inc."), from
// word lists, deterministic for a seeded generator, and matters mixing
// names already known (with a typo) and new ones.
package synthnames

import (
	"math/rand/v2"
	"slices"
	"strings"
)

// Word material for synthetic party names. Stems are built from two
// syllable lists, giving thousands of distinct company and surname stems.
var (
	FirstNames = strings.Fields(`James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara
		Richard Susan Joseph Jessica Thomas Sarah Charles Karen Christopher Lisa Daniel Nancy Matthew Betty Anthony Sandra
		Mark Margaret Donald Ashley Steven Kimberly Paul Emily Andrew Donna Joshua Michelle Kenneth Carol Kevin Amanda Brian
		Melissa George Deborah Timothy Stephanie Ronald Rebecca Jason Sharon Edward Laura Jeffrey Cynthia Ryan Dorothy Jacob
		Amy Gary Kathleen Nicholas Angela Eric Shirley Jonathan Emma Stephen Brenda Larry Pamela Justin Nicole Scott Anna
		Mohammed Ahmed Ali Omar Fatima Aisha Yusuf Ibrahim Hassan Layla Wei Li Jing Min Hiroshi Yuki Kenji Akira Sergei
		Olga Ivan Dmitri Anastasia Pierre Marie Jean Sophie Luca Giulia Marco Francesca Hans Greta Lars Ingrid Raj Priya
		Arjun Ananya Vikram Deepa Carlos Sofia Miguel Lucia Jose Ana Kwame Amara Chinedu Ngozi Tariq Leila Rahul Sunita`)
	Stems1 = strings.Fields(`Tide Black Green Silver Gold Iron Stone River Oak Pine Maple Cedar Birch Elm Ash
		North South East West High Low Bright Clear Fair Grand Royal Noble Swift Bold Blue Red White Grey Crown Star Sun
		Moon Sky Storm Frost Snow Rain Wind Fire Hawk Eagle Falcon Raven Wolf Bear Fox Lion Harbor Bay Cliff Ridge Vale
		Glen Brook Lake Mill Kings Queens Bridge Castle Tower Hill Marsh Heath Moor Wood Field Thorn Rose Lily Ivy
		Copper Cobalt Granite Marble Amber Coral Pearl Jade Onyx Summit Apex Vertex Zenith Nova Astra Terra Aqua Vita
		Quant Nex Zen Omni Pro Tek Vanta Lumen Orbi Cyra Delta Sigma Kappa Alto Brava Corva Dura Ferro Galla Hela`)
	Stems2 = strings.Fields(`water wood field stone gate bridge ford haven port dale ley ton worth by ham well
		crest view point side land mark line path way core span wave light forge works smith wright mont berg burg stead
		shire more wick mere brook hurst combe ridge mouth croft holm thorpe garth fell vale ington ova ara ix ium ex
		ora ion tis ica eon ada ana ella ent ics tronic sys tex gen med lab soft net dyne logic cast tide sphere star`)
	LastNames = strings.Fields(`Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez
		Lopez Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark
		Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams Nelson Baker
		Hall Rivera Campbell Mitchell Carter Roberts Khan Patel Shah Singh Kumar Sharma Gupta Chen Wang Zhang Liu Yang
		Tanaka Suzuki Watanabe Ivanov Petrov Smirnov Volkov Muller Schmidt Schneider Fischer Weber Rossi Russo Ferrari
		Dubois Bernard Moreau Laurent Okafor Okonkwo Mensah Haddad Farsi Rashid Hussein Mansour Khalil Nakamura Kowalski`)
	Industries = strings.Fields(`Logistics Holdings Capital Partners Group Industries Consulting Solutions Systems
		Technologies Services Trading Pharmaceuticals Foods Energy Resources Properties Ventures Investments Analytics
		Media Health Insurance Shipping Construction Manufacturing Advisors Translations Staffing Discovery Legal Realty
		Mining Motors Software Labs Bakery Brewery Textiles Metals Chemicals Aerospace Robotics Biotech Security Freight`)
	Forms = []string{"", "", "Inc", "Inc.", "LLC", "Ltd", "Limited", "GmbH", "S.A.", "Pvt. Ltd.", "Corp.", "plc", "LLP", "B.V.", "Pty Ltd", "Co."}
)

// Pick returns a random element of l.
func Pick(r *rand.Rand, l []string) string { return l[r.IntN(len(l))] }

// Name makes one synthetic party name: 40% people, 60% companies.
func Name(r *rand.Rand) string {
	stem := func() string { return Pick(r, Stems1) + Pick(r, Stems2) }
	if r.IntN(10) < 4 {
		last := Pick(r, LastNames)
		if r.IntN(2) == 0 {
			last = stem()
		}
		if r.IntN(10) == 0 {
			return Pick(r, FirstNames) + " " + string(rune('A'+r.IntN(26))) + ". " + last
		}
		return Pick(r, FirstNames) + " " + last
	}
	name := stem()
	switch r.IntN(10) {
	case 0, 1, 2:
		name += " " + stem()
	case 3:
		name = Pick(r, LastNames) + " & " + Pick(r, LastNames)
	case 4:
		name = Pick(r, Stems1) + " " + stem()
	}
	if r.IntN(10) < 8 {
		name += " " + Pick(r, Industries)
	}
	if f := Pick(r, Forms); f != "" {
		name += " " + f
	}
	return name
}

// Typo changes one letter of a name (not the first or last): delete,
// double or swap with the next. The name must have at least three bytes.
func Typo(r *rand.Rand, s string) string {
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

// MatterSize is how many parties a synthetic matter has.
const MatterSize = 20

// Matter makes the party names of one matter: each, with even odds, a name
// of known with one typo, or a new name with an extra word (so it is not
// in the index by chance).
func Matter(r *rand.Rand, known []string) []string {
	m := make([]string, MatterSize)
	for j := range m {
		if r.IntN(2) == 0 {
			m[j] = Typo(r, known[r.IntN(len(known))])
		} else {
			m[j] = Name(r) + " " + Pick(r, Stems1)
		}
	}
	return m
}
