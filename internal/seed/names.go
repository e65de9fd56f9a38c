package seed

import (
	"math/rand/v2"
	"strings"
)

// The vocabularies names are drawn from. People's and companies' names are
// combined from them so that, over a million parties, a common surname or
// company word is found hundreds to thousands of times, a full name a
// handful, and a rare surname or company word (picked about once in two
// thousand names) a handful.
var (
	firstNames = []string{"Amelia", "Rahul", "Grace", "Tomás", "Mei", "Olu", "Sofia", "Jonas", "Priyanka", "Lucas", "Hana", "Kwame", "Isabel", "Arjun", "Chloe", "Mateo",
		"Aisha", "Benjamin", "Camille", "Daniel", "Elena", "Farid", "Gabriel", "Hiroshi", "Ingrid", "Javier", "Katarzyna", "Liam", "Maryam", "Nikolai", "Oliver", "Paulo",
		"Qing", "Rosa", "Samuel", "Thandiwe", "Umar", "Valentina", "William", "Ximena", "Yusuf", "Zara", "Anders", "Beatriz", "Connor", "Divya", "Emeka", "Fatima",
		"George", "Helena", "Ibrahim", "Julia", "Kenji", "Laura", "Mohammed", "Nadia", "Oscar", "Patricia", "Ravi", "Sarah", "Tobias", "Ursula", "Victor", "Wei",
		"Adriana", "Bilal", "Carmen", "David", "Esther", "Felix", "Giulia", "Henrik", "Imani", "Jack", "Leila", "Marco", "Noor", "Pedro", "Ruth", "Stefan"}
	lastNames = []string{"Okafor", "Reyes", "Chen", "Lindqvist", "Patel", "Moreau", "Santos", "Haddad", "Kowalski", "Nakamura", "Brennan", "Adeyemi", "Rossi", "Iyer",
		"Abbott", "Bauer", "Castillo", "Dubois", "Eriksson", "Fernandes", "Gallagher", "Hoffmann", "Ibarra", "Jensen", "Kapoor", "Larsen", "Mendoza", "Nguyen",
		"O'Brien", "Petrov", "Quinn", "Rahman", "Schmidt", "Tanaka", "Usman", "Vasquez", "Weber", "Xu", "Yamamoto", "Zhang", "Ahmed", "Bianchi", "Carter", "Delgado",
		"Evans", "Fischer", "Garcia", "Hughes", "Ito", "Johansson", "Khan", "Lopez", "Murphy", "Novak", "Olsen", "Park", "Ramirez", "Silva", "Thompson", "Ueda",
		"Varga", "Walsh", "Yilmaz", "Zimmermann", "Andersen", "Bakker", "Costa", "Das", "Edwards", "Ferreira", "Gupta", "Horvat", "Ivanova", "Jovanovic", "Kim",
		"Lambert", "Morales", "Nielsen", "Ortiz", "Popescu", "Richter", "Sato", "Torres", "Vogel", "Wright", "Young", "Alvarez", "Becker", "Campbell", "Dimitrov",
		"Engel", "Fontaine", "Gonzalez", "Hernandez", "Jackson", "Keller", "Li", "Martin", "Nowak", "Oliveira", "Perez", "Romano", "Suzuki", "Taylor", "Wagner",
		"Baptiste", "Chowdhury", "Dlamini", "Eze", "Fitzgerald", "Gomes", "Hansen", "Ishikawa", "Kaur", "Lefebvre", "Mensah", "Nair", "Osei", "Pereira", "Rao",
		"Sharma", "Takahashi", "Van Dijk", "Wilson", "Zhou", "Agarwal", "Bernard", "Cruz", "Dunn", "Estrada", "Fujita", "Gill", "Hall", "Jung", "Kruger", "Lim",
		"Mahmoud", "Njoroge", "Owusu", "Pham", "Rodriguez", "Sandoval", "Tran", "Verma", "Watanabe", "Ali", "Brown", "Coleman", "Diaz", "Ellis", "Foster", "Green",
		"Harris", "Ivanov", "Jones", "Kelly", "Lewis", "Miller", "Nelson", "Owens", "Powell", "Roberts", "Smith", "Turner", "Vargas", "White", "Yang", "Zulu"}
	// rareLastNames are picked about once in two thousand people.
	rareLastNames = []string{"Quartermaine", "Wróblewski", "Featherstonehaugh", "Oyelaran-Whitby", "Szczepańska", "Thistlethwaite", "Ngubane-Abernethy", "Vanterpool",
		"Knyvett", "Ó Súilleabháin", "Zvonimirović", "Brackenridge-Lowe", "Ekwueme-Tarrant", "Hollingworth", "Pennefather", "Rautenbach", "Sedgewick-Amadi", "Tolliver-Nakashima"}
	coPrefix   = []string{"North", "Blue", "Iron", "Silver", "Red", "Oak", "Pine", "Stone", "Bright", "Clear", "Deep", "High", "Green", "Gold", "East", "West", "South", "Cedar", "Maple", "River", "Lake", "Sun", "Star", "Frost", "Storm"}
	coSuffix   = []string{"wind", "water", "field", "bridge", "gate", "ridge", "cliff", "brook", "haven", "crest", "wood", "point", "vale", "mark", "line"}
	rareCoWord = []string{"Zephyrine", "Quillonaut", "Marrowgate", "Vexbury", "Oxalune", "Thornquist", "Ibexar", "Kestrelmoor", "Yarrowick", "Glimmerholt", "Ptarmigan", "Umbravia"}
	industries = []string{"Logistics", "Pharmaceuticals", "Capital", "Energy", "Foods", "Software", "Shipping", "Insurance", "Construction", "Mining", "Textiles", "Media",
		"Biotech", "Motors", "Retail", "Realty", "Telecom", "Chemicals", "Aerospace", "Hospitality", "Securities", "Medical Devices", "Agritech", "Semiconductors",
		"Packaging", "Steel", "Analytics", "Freight", "Engineering", "Health"}
	legalForms = []string{"Inc.", "LLC", "Ltd", "plc", "GmbH", "S.A.", "B.V.", "Pty Ltd", "Holdings", "Group", "Partners LP", "Corporation", "AG", "& Co.", "Pvt Ltd"}
	vendorWord = []string{"Lex", "Veritas", "Summit", "Northbridge", "Meridian", "Keystone", "Atlas", "Clearview", "Harbor", "Sterling", "Beacon", "Cobalt"}
	vendorKind = []string{"Legal Services", "Review Partners", "Discovery", "Research", "Paralegal Group", "LPO"}
	clientWord = []string{"Halvorsen", "Brightwater", "Quill", "Marston", "Ardent", "Pinecrest", "Oakridge", "Tessellate", "Corvid", "Lumen", "Westfall", "Ironbark"}
	clientKind = []string{"Holdings", "Industries", "Health", "Capital", "Logistics", "Energy", "Foods", "Software"}
	practices  = []string{"litigation", "corporate", "employment", "intellectual_property", "real_estate", "regulatory"}
	services   = []string{"document_review", "legal_research", "drafting", "contract_management", "ediscovery", "billing_support"}
	vcountries = [][2]string{{"IN", "INR"}, {"PH", "PHP"}, {"US", "USD"}, {"GB", "GBP"}, {"ZA", "ZAR"}}
)

// name is the i-th generated user's name.
func (g *gen) name(i int) string {
	return firstNames[i%len(firstNames)] + " " + lastNames[(i/len(firstNames))%len(lastNames)]
}

// surname picks a last name, now and then a rare one.
func surname(rng *rand.Rand) string {
	if rng.IntN(2000) == 0 {
		return rareLastNames[rng.IntN(len(rareLastNames))]
	}
	return lastNames[rng.IntN(len(lastNames))]
}

// personName is a person's name, some with a middle initial.
func personName(rng *rand.Rand) string {
	first, last := firstNames[rng.IntN(len(firstNames))], surname(rng)
	if rng.IntN(4) == 0 {
		return first + " " + string(rune('A'+rng.IntN(26))) + ". " + last
	}
	return first + " " + last
}

// companyWord is a company's distinctive word ("Northwind"), now and then a
// rare one.
func companyWord(rng *rand.Rand) string {
	if rng.IntN(2000) == 0 {
		return rareCoWord[rng.IntN(len(rareCoWord))]
	}
	return coPrefix[rng.IntN(len(coPrefix))] + coSuffix[rng.IntN(len(coSuffix))]
}

// companyName is a company's name: its word, an industry and a legal form
// ("Northwind Logistics LLC"), or a family firm's ("Okafor & Reyes LLP").
func companyName(rng *rand.Rand) string {
	switch r := rng.IntN(10); {
	case r == 0:
		return surname(rng) + " & " + surname(rng) + " LLP"
	case r == 1:
		return surname(rng) + " Family Trust"
	}
	return companyWord(rng) + " " + industries[rng.IntN(len(industries))] + " " + legalForms[rng.IntN(len(legalForms))]
}

// aliasOf is another name a party is known by: a person's initial and
// surname or a double-barrelled married name; a company's name without its
// legal form, its initials, or a former name.
func aliasOf(rng *rand.Rand, name string, person bool) string {
	words := strings.Fields(name)
	if person {
		if rng.IntN(2) == 0 {
			rest := words[1:]
			if len(rest) > 1 && strings.HasSuffix(rest[0], ".") {
				rest = rest[1:] // the middle initial
			}
			return string([]rune(words[0])[:1]) + ". " + strings.Join(rest, " ")
		}
		return name + "-" + surname(rng)
	}
	trimmed := name
	for _, f := range append(legalForms, "LLP") {
		if t := strings.TrimSuffix(name, " "+f); t != name && len(t) < len(trimmed) {
			trimmed = t
		}
	}
	switch rng.IntN(3) {
	case 0:
		if trimmed != name {
			return trimmed
		}
	case 1:
		var b strings.Builder
		for _, w := range strings.Fields(trimmed) {
			if r := []rune(w)[0]; r >= 'A' && r <= 'Z' {
				b.WriteRune(r)
			}
		}
		if b.Len() >= 2 {
			return b.String()
		}
	}
	return companyWord(rng) + " " + industries[rng.IntN(len(industries))] + " (former name)"
}
