package domain

import "math"

// Confidence intervals for an observed error rate, and the two quantile
// functions they rest on (the normal and the beta distribution), written
// out here so the domain imports nothing: the tests check them against
// SciPy to 1e-9.

// Interval is a proportion with a confidence interval.
type Interval struct {
	X          int     `json:"x"` // events (errors)
	N          int     `json:"n"` // trials (items scored)
	Rate       float64 `json:"rate"`
	Low        float64 `json:"low"`
	High       float64 `json:"high"`
	Confidence float64 `json:"confidence"`
}

// checkProportion refuses n < 1, x outside 0..n and c outside (0,1).
func checkProportion(x, n int, c float64) error {
	switch {
	case n < 1:
		return Invalid("n", "an interval needs at least 1 item; got %d", n)
	case x < 0 || x > n:
		return Invalid("x", "the count must be from 0 to %d; got %d", n, x)
	case !(c > 0 && c < 1):
		return Invalid("confidence", "the confidence must be between 0 and 1 (exclusive); got %s", num(c))
	}
	return nil
}

// Wilson returns the two-sided Wilson score interval for x events in n at
// confidence c: (x + z²/2)/(n + z²) ± z/(n + z²)·√(x(n−x)/n + z²/4) with z
// the normal quantile at 1 − (1−c)/2; exactly 0 below when x = 0 and 1
// above when x = n.
func Wilson(x, n int, c float64) (Interval, error) {
	if err := checkProportion(x, n, c); err != nil {
		return Interval{}, err
	}
	z := NormalQuantile(1 - (1-c)/2)
	fx, fn, z2 := float64(x), float64(n), z*z
	center := (fx + z2/2) / (fn + z2)
	half := z / (fn + z2) * math.Sqrt(fx*(fn-fx)/fn+z2/4)
	iv := Interval{X: x, N: n, Rate: fx / fn, Low: max(center-half, 0), High: min(center+half, 1), Confidence: c}
	if x == 0 {
		iv.Low = 0
	}
	if x == n {
		iv.High = 1
	}
	return iv, nil
}

// ClopperPearson returns the two-sided Clopper–Pearson exact interval
// (beta quantiles) for x events in n at confidence c: with α = 1 − c, the
// low end is the α/2 quantile of Beta(x, n−x+1) (0 when x = 0) and the high
// end the 1−α/2 quantile of Beta(x+1, n−x) (1 when x = n).
func ClopperPearson(x, n int, c float64) (Interval, error) {
	if err := checkProportion(x, n, c); err != nil {
		return Interval{}, err
	}
	alpha := 1 - c
	iv := Interval{X: x, N: n, Rate: float64(x) / float64(n), High: 1, Confidence: c}
	if x > 0 {
		iv.Low = BetaQuantile(alpha/2, float64(x), float64(n-x+1))
	}
	if x < n {
		iv.High = BetaQuantile(1-alpha/2, float64(x+1), float64(n-x))
	}
	return iv, nil
}

// UpperBound returns the one-sided Clopper–Pearson upper bound at
// confidence c: "with confidence c the error rate is below this". It is the
// c quantile of Beta(x+1, n−x), and 1 when x = n.
func UpperBound(x, n int, c float64) (float64, error) {
	if err := checkProportion(x, n, c); err != nil {
		return 0, err
	}
	if x == n {
		return 1, nil
	}
	return BetaQuantile(c, float64(x+1), float64(n-x)), nil
}

// NormalQuantile returns the p quantile of the standard normal distribution
// (−Inf at 0, +Inf at 1, NaN outside [0,1]): Wichura's algorithm AS 241
// (PPND16), polished by one Newton step on math.Erfc.
func NormalQuantile(p float64) float64 {
	switch {
	case p != p || p < 0 || p > 1:
		return math.NaN()
	case p == 0:
		return math.Inf(-1)
	case p == 1:
		return math.Inf(1)
	}
	q := p - 0.5
	var x float64
	if math.Abs(q) <= 0.425 {
		r := 0.180625 - q*q
		x = q * (((((((2509.0809287301226727*r+33430.575583588128105)*r+67265.770927008700853)*r+45921.953931549871457)*r+
			13731.693765509461125)*r+1971.5909503065514427)*r+133.14166789178437745)*r + 3.387132872796366608) /
			(((((((5226.495278852545925*r+28729.085735721942674)*r+39307.89580009271061)*r+21213.794301586595867)*r+
				5394.1960214247511077)*r+687.1870074920579083)*r+42.313330701600911252)*r + 1)
	} else {
		r := p
		if q > 0 {
			r = 1 - p
		}
		r = math.Sqrt(-math.Log(r))
		if r <= 5 {
			r -= 1.6
			x = (((((((7.7454501427834140764e-4*r+0.0227238449892691845833)*r+0.24178072517745061177)*r+
				1.27045825245236838258)*r+3.64784832476320460504)*r+5.7694972214606914055)*r+4.6303378461565452959)*r +
				1.42343711074968357734) /
				(((((((1.05075007164441684324e-9*r+5.475938084995344946e-4)*r+0.0151986665636164571966)*r+
					0.14810397642748007459)*r+0.68976733498510000455)*r+1.6763848301838038494)*r+2.05319162663775882187)*r + 1)
		} else {
			r -= 5
			x = (((((((2.01033439929228813265e-7*r+2.71155556874348757815e-5)*r+0.0012426609473880784386)*r+
				0.026532189526576123093)*r+0.29656057182850489123)*r+1.7848265399172913358)*r+5.4637849111641143699)*r +
				6.6579046435011037772) /
				(((((((2.04426310338993978564e-15*r+1.4215117583164458887e-7)*r+1.8463183175100546818e-5)*r+
					7.868691311456132591e-4)*r+0.0148753612908506148525)*r+0.13692988092273580531)*r+0.59983220655588793769)*r + 1)
		}
		if q < 0 {
			x = -x
		}
	}
	// One Newton step on Φ(x) = p, the tail computed on the side it is small.
	var diff float64
	if x < 0 {
		diff = 0.5*math.Erfc(-x/math.Sqrt2) - p
	} else {
		diff = (1 - p) - 0.5*math.Erfc(x/math.Sqrt2)
	}
	if pdf := math.Exp(-x*x/2) / math.Sqrt(2*math.Pi); pdf > 0 {
		x -= diff / pdf
	}
	return x
}

// BetaQuantile returns the p quantile of the Beta(a, b) distribution
// (a, b > 0): closed forms when a or b is 1, otherwise bisection on the
// regularized incomplete beta function to the last bit.
func BetaQuantile(p, a, b float64) float64 {
	switch {
	case p != p || p < 0 || p > 1 || !(a > 0) || !(b > 0):
		return math.NaN()
	case p == 0:
		return 0
	case p == 1:
		return 1
	case b == 1:
		return math.Exp(math.Log(p) / a)
	case a == 1:
		return -math.Expm1(math.Log1p(-p) / b)
	}
	lo, hi := 0.0, 1.0
	for range 2000 {
		mid := lo + (hi-lo)/2
		if mid <= lo || mid >= hi {
			break
		}
		if RegIncBeta(a, b, mid) < p {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo + (hi-lo)/2
}

// RegIncBeta returns the regularized incomplete beta function I_x(a, b),
// the Beta(a, b) distribution function at x, by its continued fraction
// (modified Lentz), on the side of the mean where it converges fast.
func RegIncBeta(a, b, x float64) float64 {
	switch {
	case x <= 0:
		return 0
	case x >= 1:
		return 1
	}
	la, _ := math.Lgamma(a)
	lb, _ := math.Lgamma(b)
	lab, _ := math.Lgamma(a + b)
	front := math.Exp(lab - la - lb + a*math.Log(x) + b*math.Log1p(-x))
	if x < (a+1)/(a+b+2) {
		return front * betaFraction(a, b, x) / a
	}
	return 1 - front*betaFraction(b, a, 1-x)/b
}

// betaFraction evaluates the continued fraction of the incomplete beta
// function (Numerical Recipes, betacf).
func betaFraction(a, b, x float64) float64 {
	const tiny = 1e-300
	clamp := func(v float64) float64 {
		if math.Abs(v) < tiny {
			return tiny
		}
		return v
	}
	qab, qap, qam := a+b, a+1, a-1
	c, d := 1.0, 1/clamp(1-qab*x/qap)
	h := d
	for m := 1.0; m <= 100000; m++ {
		m2 := 2 * m
		aa := m * (b - m) * x / ((qam + m2) * (a + m2))
		d = 1 / clamp(1+aa*d)
		c = clamp(1 + aa/c)
		h *= d * c
		aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
		d = 1 / clamp(1+aa*d)
		c = clamp(1 + aa/c)
		del := d * c
		h *= del
		if math.Abs(del-1) <= 1e-16 {
			break
		}
	}
	return h
}
