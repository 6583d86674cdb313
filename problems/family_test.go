package problems

import (
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// decayFamily is y' = -k y, y(0) = 1 for every k in [0.5, 2].
var decayFamily = Definition{Name: "decay-family", Vars: []string{"y"}, Order: 1, RHS: []string{"-k*y"},
	Ranges: map[string]Range{"k": {0.5, 2}}, T0: 0, T1: 2, Y0: []float64{1}, Points: 21}

// twoRanges is decayFamily with a second range parameter, a in [-1, 1]:
// y' = -k y + a.
func twoRanges(t *testing.T) *Problem {
	t.Helper()
	d := decayFamily.clone()
	d.Ranges["a"] = Range{-1, 1}
	d.RHS = []string{"-k*y + a"}
	p, err := New(d)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestParseRange(t *testing.T) {
	if r, err := ParseRange(" 0.5 : 2"); err != nil || r != (Range{0.5, 2}) || r.String() != "0.5:2" {
		t.Errorf("ParseRange(0.5:2) = %v, %v", r, err)
	}
	for _, tc := range []struct{ s, msg string }{
		{"1.5", `"1.5" is not a range lo:hi`},
		{"a:2", `range "a:2": "a" is not a finite number`},
		{"1:NaN", `"NaN" is not a finite number`},
		{"1:", `"" is not a finite number`},
		{"2:0.5", `range "2:0.5" is empty: want lo < hi`},
		{"1:1", "is empty"},
	} {
		if _, err := ParseRange(tc.s); err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("ParseRange(%q): %v, want an error saying %s", tc.s, err, tc.msg)
		}
	}
}

func TestFamily(t *testing.T) {
	d := decayFamily.clone()
	d.Params = map[string]float64{"c": 1}
	d.RHS = []string{"-k*y + 0*c"}
	p, err := New(d)
	if err != nil {
		t.Fatal(err)
	}
	if !p.IsFamily() || !slices.Equal(p.RangeNames(), []string{"k"}) || p.PreferredSampling() != SampleSobol {
		t.Errorf("family %v, ranges %v, sampling %s", p.IsFamily(), p.RangeNames(), p.PreferredSampling())
	}
	if eq := p.Equation(); eq != "dy/dt = -k*y + 0*c with c = 1, k in [0.5, 2]" {
		t.Errorf("equation %q", eq)
	}
	plain, _ := Builtin("decay")
	if plain.IsFamily() || plain.PreferredSampling() != DefaultSampling {
		t.Errorf("decay is a family, or samples %s", plain.PreferredSampling())
	}
}

func TestFamilyRejects(t *testing.T) {
	for _, tc := range []struct {
		change func(*Definition)
		msg    string
	}{
		{func(d *Definition) { d.Params = map[string]float64{"k": 1} }, "parameter k has both a value and a range: give one"},
		{func(d *Definition) { d.Params = map[string]float64{"k": 1}; d.Unknown = []string{"k"} }, "parameter k cannot be both unknown and a range"},
		{func(d *Definition) { d.Ranges["y"] = Range{0, 1} }, `range parameter "y" is already variable y`},
		{func(d *Definition) { d.Ranges["t"] = Range{0, 1} }, `range parameter "t" is already independent variable t`},
		{func(d *Definition) { d.Ranges["k"] = Range{2, 0.5} }, "range parameter k: [2, 0.5] is not an interval"},
		{func(d *Definition) { d.Ranges["k"] = Range{math.NaN(), 1} }, "is not an interval"},
		{func(d *Definition) { d.Ranges["a"] = Range{0, 1} }, "range parameter a appears in no right-hand side or condition"},
		{func(d *Definition) { d.Ranges["a"] = Range{0, 1}; d.Exact = []string{"a*exp(-k*t)"} }, "range parameter a appears in no right-hand side or condition"},
		{func(d *Definition) {
			for _, k := range []string{"a", "b", "c", "e", "f", "g", "h", "j"} {
				d.Ranges[k] = Range{0, 1}
			}
		}, "9 range parameters: at most 8"},
		{func(d *Definition) { d.Exact = []string{"exp(-k*t) + z"} }, `exact solution of y: column 13: unknown name "z"`},
	} {
		d := decayFamily.clone()
		tc.change(&d)
		if _, err := New(d); err == nil || !strings.Contains(err.Error(), tc.msg) || strings.Contains(err.Error(), "\n") {
			t.Errorf("err = %v, want one line saying %q", err, tc.msg)
		}
	}
}

func TestCheckMember(t *testing.T) {
	p := twoRanges(t)
	for _, ok := range []map[string]float64{{"k": 0.5, "a": 1}, {"k": 2, "a": -1}, {"k": 1.3, "a": 0}} {
		if err := p.CheckMember(ok); err != nil {
			t.Errorf("CheckMember(%v): %v", ok, err)
		}
	}
	plain, _ := Builtin("decay")
	for _, tc := range []struct {
		p      *Problem
		values map[string]float64
		msg    string
	}{
		{p, map[string]float64{"k": 2.5, "a": 0}, "k = 2.5 is outside the trained range [0.5, 2]"},
		{p, map[string]float64{"k": math.NaN(), "a": 0}, "k = NaN is outside the trained range"},
		{p, map[string]float64{"k": 1}, "range parameter a needs a value in [-1, 1]"},
		{p, map[string]float64{"k": 1, "a": 0, "c": 1}, "c is not a range parameter (the range parameters are a, k)"},
		{plain, map[string]float64{"k": 1}, "k is not a range parameter: the problem has none"},
	} {
		err := tc.p.CheckMember(tc.values)
		if !errors.Is(err, ErrMember) || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("CheckMember(%v) = %v, want ErrMember saying %q", tc.values, err, tc.msg)
		}
	}
	if err := plain.CheckMember(nil); err != nil {
		t.Errorf("a plain problem's only member: %v", err)
	}
}

// TestScoreMembers checks the members a family is scored at, and that
// MemberColumns gives them as columns, in the same order.
func TestScoreMembers(t *testing.T) {
	p, err := New(decayFamily)
	if err != nil {
		t.Fatal(err)
	}
	ms, err := p.ScoreMembers(DefaultScoreValues)
	if err != nil {
		t.Fatal(err)
	}
	var ks []float64
	for _, m := range ms {
		ks = append(ks, m["k"])
	}
	// 0.5 + j 0.1875 is exact in binary for j = 0..8.
	if want := []float64{0.5, 0.6875, 0.875, 1.0625, 1.25, 1.4375, 1.625, 1.8125, 2}; !slices.Equal(ks, want) {
		t.Errorf("k = %v, want %v", ks, want)
	}
	if ms, _ := p.ScoreMembers(1); len(ms) != 1 || ms[0]["k"] != 1.25 {
		t.Errorf("one member: %v, want the midpoint 1.25", ms)
	}

	two := twoRanges(t)
	ms, err = two.ScoreMembers(3)
	if err != nil {
		t.Fatal(err)
	}
	var got [][2]float64
	for _, m := range ms {
		got = append(got, [2]float64{m["a"], m["k"]})
	}
	want := [][2]float64{{-1, 0.5}, {-1, 1.25}, {-1, 2}, {0, 0.5}, {0, 1.25}, {0, 2}, {1, 0.5}, {1, 1.25}, {1, 2}}
	if !slices.Equal(got, want) {
		t.Errorf("members (a, k) %v, want %v", got, want)
	}
	cols := two.MemberColumns(3)
	if len(cols) != 2 || !slices.Equal(cols[0], []float64{-1, -1, -1, 0, 0, 0, 1, 1, 1}) || !slices.Equal(cols[1], []float64{0.5, 1.25, 2, 0.5, 1.25, 2, 0.5, 1.25, 2}) {
		t.Errorf("member columns %v, want the members' values (a, then k)", cols)
	}

	plain, _ := Builtin("decay")
	if ms, err := plain.ScoreMembers(9); err != nil || len(ms) != 1 || len(ms[0]) != 0 {
		t.Errorf("a plain problem: %v, %v; want one empty member", ms, err)
	}
	if _, err := p.ScoreMembers(0); err == nil || !strings.Contains(err.Error(), "need at least 1") {
		t.Errorf("0 values: %v", err)
	}
	if _, err := two.ScoreMembers(400); err == nil || !strings.Contains(err.Error(), "more than 100000 members") {
		t.Errorf("400^2 members: %v", err)
	}
}

// TestFamilyReference checks members of families against closed forms: an
// exact solution naming the range parameter (evaluated, so equal to
// rounding), the integrator from an initial value that is a range
// parameter (measured 7.9e-12), and shooting to a boundary value that is
// one (measured 1.3e-11). Tolerance 1e-8 as for the plain problems.
func TestFamilyReference(t *testing.T) {
	exact := decayFamily.clone()
	exact.Exact = []string{"exp(-k*t)"}

	fromA := decayFamily.clone()
	fromA.Y0 = nil
	fromA.Ranges["a"] = Range{0.5, 1.5}
	if err := fromA.SetInitialValues([]string{"a"}, false); err != nil {
		t.Fatal(err)
	}

	toA := Definition{Name: "to-a", Vars: []string{"y"}, Order: 2, RHS: []string{"-y"}, T0: 0, T1: 1, Points: 11,
		Ranges: map[string]Range{"a": {0, 2}}, BC: []string{"y(0) = 0", "y(1) = a"}}

	for _, tc := range []struct {
		d      Definition
		member map[string]float64
		y      func(t float64) float64
	}{
		{exact, map[string]float64{"k": 1.3}, func(t float64) float64 { return math.Exp(-1.3 * t) }},
		{fromA, map[string]float64{"k": 0.7, "a": 1.2}, func(t float64) float64 { return 1.2 * math.Exp(-0.7*t) }},
		{toA, map[string]float64{"a": 1.5}, func(t float64) float64 { return 1.5 * math.Sin(t) / math.Sin(1) }},
	} {
		p, err := New(tc.d)
		if err != nil {
			t.Fatal(err)
		}
		ts := p.Grid(p.Points)
		sol, err := p.Reference(ts, tc.member)
		if err != nil {
			t.Fatalf("%s: %v", p.Name, err)
		}
		worst := 0.0
		for k, tk := range ts {
			worst = math.Max(worst, math.Abs(sol.Y[0][k]-tc.y(tk)))
		}
		t.Logf("%s at %v: largest error %.2g", p.Name, tc.member, worst)
		if worst > 1e-8 {
			t.Errorf("%s at %v: largest error %.3g", p.Name, tc.member, worst)
		}
		if _, err := p.Reference(ts, nil); !errors.Is(err, ErrMember) || !strings.Contains(err.Error(), "needs a value") {
			t.Errorf("%s without a member: %v", p.Name, err)
		}
	}
	// The initial value a stays an expression for the graph side.
	p, _ := New(fromA)
	y, _, ok := p.InitialValues()
	if !ok || len(y) != 1 || y[0].String() != "a" || p.IsBoundaryValue() {
		t.Errorf("InitialValues() = %v, %v; boundary-value %v", y, ok, p.IsBoundaryValue())
	}
}

// TestSetInitialValues checks how --y0 and --dy0 texts become conditions.
func TestSetInitialValues(t *testing.T) {
	d := Definition{Vars: []string{"x", "y"}, T0: 0.5}
	if err := d.SetInitialValues([]string{"1", " -2.5"}, false); err != nil || !slices.Equal(d.Y0, []float64{1, -2.5}) || d.BC != nil {
		t.Errorf("numbers: Y0 %v, BC %v, %v", d.Y0, d.BC, err)
	}
	if err := d.SetInitialValues([]string{"0", "a "}, true); err != nil || d.DY0 != nil || !slices.Equal(d.BC, []string{"dx(0.5) = 0", "dy(0.5) = a"}) {
		t.Errorf("an expression: DY0 %v, BC %v, %v", d.DY0, d.BC, err)
	}
	if err := d.SetInitialValues([]string{"1"}, false); err == nil || !strings.Contains(err.Error(), "2 variables need 2 initial values, have 1") {
		t.Errorf("too few: %v", err)
	}
}

// TestFamilyObservations checks that a family's observations name the
// member each comes from, within its range.
func TestFamilyObservations(t *testing.T) {
	d := decayFamily.clone()
	d.Params, d.Unknown = map[string]float64{"c": 1}, []string{"c"}
	d.RHS = []string{"-c*k*y"}
	p, err := New(d)
	if err != nil {
		t.Fatal(err)
	}
	obs, err := p.ReadObservations(strings.NewReader("k,t,y\n0.5,0,1\n2,1,0.5\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(obs.Ranges["k"], []float64{0.5, 2}) || !slices.Equal(obs.T, []float64{0, 1}) {
		t.Errorf("read %+v", obs)
	}
	for _, tc := range []struct{ csv, msg string }{
		{"t,y\n0,1\n", `no column "k": a family's observations say which member each comes from`},
		{"t,y,k,z\n0,1,1,1\n", `column "z" that is neither t, a variable nor a range parameter`},
		{"t,y,k\n0,1,1\n0,1,2.5\n", "line 3, column k: 2.5 is outside the range [0.5, 2]"},
	} {
		if _, err := p.ReadObservations(strings.NewReader(tc.csv)); err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%q: %v, want an error saying %q", tc.csv, err, tc.msg)
		}
	}
}

// TestDefinitionJSON checks that boundary conditions and ranges survive a
// round trip through JSON, as a saved model keeps its problem, and that a
// plain problem's JSON has no new keys.
func TestDefinitionJSON(t *testing.T) {
	d := Definition{Name: "j", Vars: []string{"y"}, Order: 2, RHS: []string{"-k*y"}, T0: 0, T1: 1, Points: 3,
		Ranges: map[string]Range{"k": {0.5, 2}}, BC: []string{"y(0) = 0", "y(1) + dy(1) = k"}}
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	var back Definition
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, d) {
		t.Errorf("%s read back as %+v", b, back)
	}
	if _, err := New(back); err != nil {
		t.Error(err)
	}
	plain, _ := json.Marshal(builtins[0])
	if s := string(plain); strings.Contains(s, `"bc"`) || strings.Contains(s, `"ranges"`) {
		t.Errorf("decay as JSON: %s", s)
	}
}
