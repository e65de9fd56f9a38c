package domain

import (
	"math"
	"testing"
)

func TestWilsonEdges(t *testing.T) {
	iv, err := Wilson(0, 50, 0.95)
	if err != nil || iv.Low != 0 || iv.Rate != 0 || !(iv.High > 0 && iv.High < 0.1) {
		t.Errorf("0/50: %+v %v", iv, err)
	}
	iv, err = Wilson(50, 50, 0.95)
	if err != nil || iv.High != 1 || iv.Rate != 1 || !(iv.Low > 0.9 && iv.Low < 1) {
		t.Errorf("50/50: %+v %v", iv, err)
	}
	// 10/100 at 95%: the textbook interval 0.0552–0.1744.
	iv, _ = Wilson(10, 100, 0.95)
	if math.Abs(iv.Low-0.05522914) > 1e-7 || math.Abs(iv.High-0.17436566) > 1e-7 {
		t.Errorf("10/100: %+v", iv)
	}
	// Higher confidence, wider interval.
	wide, _ := Wilson(10, 100, 0.99)
	if !(wide.Low < iv.Low && wide.High > iv.High) {
		t.Errorf("99%% %+v is not wider than 95%% %+v", wide, iv)
	}
}

func TestClopperPearsonEdges(t *testing.T) {
	iv, err := ClopperPearson(0, 10, 0.95)
	// x = 0: high = 1 − (α/2)^(1/n).
	if err != nil || iv.Low != 0 || math.Abs(iv.High-(1-math.Pow(0.025, 0.1))) > 1e-15 {
		t.Errorf("0/10: %+v %v", iv, err)
	}
	iv, _ = ClopperPearson(10, 10, 0.95)
	if iv.High != 1 || math.Abs(iv.Low-math.Pow(0.025, 0.1)) > 1e-15 {
		t.Errorf("10/10: %+v", iv)
	}
	// The exact interval contains the Wilson one's rate and is wider at the ends.
	cp, _ := ClopperPearson(3, 125, 0.95)
	w, _ := Wilson(3, 125, 0.95)
	if !(cp.Low < cp.Rate && cp.Rate < cp.High && cp.High > w.High) {
		t.Errorf("3/125: exact %+v, Wilson %+v", cp, w)
	}
	// The rule of three: 0 errors in n at 95% one-sided is about 3/n.
	ub, _ := UpperBound(0, 300, 0.95)
	if math.Abs(ub-(1-math.Pow(0.05, 1.0/300))) > 1e-15 || math.Abs(ub-3.0/300) > 0.0005 {
		t.Errorf("upper bound 0/300: %v", ub)
	}
	if ub, _ := UpperBound(7, 7, 0.95); ub != 1 {
		t.Errorf("upper bound 7/7: %v", ub)
	}
	// The one-sided bound at c is the two-sided high end at 2c − 1.
	one, _ := UpperBound(4, 200, 0.95)
	two, _ := ClopperPearson(4, 200, 0.90)
	if math.Abs(one-two.High) > 1e-15 {
		t.Errorf("one-sided %v, two-sided 90%% high %v", one, two.High)
	}
}

func TestWilsonClopperRefusals(t *testing.T) {
	for _, c := range []struct {
		x, n  int
		c     float64
		field string
	}{
		{0, 0, 0.95, "n"}, {-1, 5, 0.95, "x"}, {6, 5, 0.95, "x"}, {1, 5, 0, "confidence"}, {1, 5, 1, "confidence"}, {1, 5, math.NaN(), "confidence"},
	} {
		_, e1 := Wilson(c.x, c.n, c.c)
		_, e2 := ClopperPearson(c.x, c.n, c.c)
		_, e3 := UpperBound(c.x, c.n, c.c)
		for _, err := range []error{e1, e2, e3} {
			if ErrorCode(err) != EInvalid || ErrorField(err) != c.field {
				t.Errorf("%+v: %v; want invalid %s", c, err, c.field)
			}
		}
	}
}
