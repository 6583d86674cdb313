package expr_test

import (
	"math"
	"reflect"
	"strings"
	"testing"

	"pinn/problems/expr"
)

// precedenceRows are the places where Go's grammar and the users'
// differ. typed is what users type, meant the same with explicit
// parentheses, canon the String() of the result, and want its value at
// precEnv. All values are small integers or powers of two, so the
// arithmetic is exact and the test compares with ==.
var precedenceRows = []struct {
	typed, meant, canon string
	want                float64
}{
	{"-t^2", "-(t^2)", "-t^2", -9},
	{"2*t^2", "2*(t^2)", "2*t^2", 18},
	{"a + b^c", "a + (b^c)", "a + b^c", 11},
	{"2^3^2", "2^(3^2)", "2^3^2", 512},
	{"2^-3^2", "2^(-(3^2))", "2^-3^2", 1.0 / 512},
	{"-2^2", "-(2^2)", "-2^2", -4},
	{"(-2)^2", "(-2)^2", "(-2)^2", 4},
	{"a*b^c*d", "(a*(b^c))*d", "a*b^c*d", 90},
	{"a^b*c^d", "(a^b)*(c^d)", "a^b*c^d", 256},
	{"2^-1", "2^(-1)", "2^-1", 0.5},
	{"t^2/4", "(t^2)/4", "t^2/4", 2.25},
	{"(a + b)^c", "(a + b)^c", "(a + b)^c", 25},
	{"(2^3)^2", "(2^3)^2", "(2^3)^2", 64},
	{"-t^2*a", "(-(t^2))*a", "-t^2*a", -18},
	{"a*-t^2", "a*(-(t^2))", "a*-t^2", -18},
	{"a - -b", "a - (-b)", "a - -b", 5},
	{"- -t", "-(-t)", "- -t", 3},
	{"+t", "t", "t", 3},
	{"a - (b - c)", "a - (b - c)", "a - (b - c)", 1},
	{"a - b - c", "(a - b) - c", "a - b - c", -3},
	{"a/(b*c)", "a/(b*c)", "a/(b*c)", 1.0 / 3},
	{"a^b^c", "a^(b^c)", "a^b^c", 512},
	{"-(a + b)", "-(a + b)", "-(a + b)", -5},
	{"-(a*b)", "-(a*b)", "-(a*b)", -6},
	{"-a*b", "(-a)*b", "-a*b", -6},
	{"pow(b, c)", "pow(b, c)", "pow(b, c)", 9},
	{"pow(a + b, c)^2", "(pow(a + b, c))^2", "pow(a + b, c)^2", 625},
	{"1e-3*1000", "0.001*1000", "0.001*1000", 1},
	{".5 + 2. + 10", "(0.5 + 2) + 10", "0.5 + 2 + 10", 12.5},
	{"  t\t*\n2 ", "t*2", "t*2", 6},
	{"010.5 + 0.5", "10.5 + 0.5", "10.5 + 0.5", 11},
}

var precEnv = map[string]float64{"a": 2, "b": 3, "c": 2, "d": 5, "t": 3}

func TestPrecedence(t *testing.T) {
	for _, r := range precedenceRows {
		e, err := expr.Parse(r.typed)
		if err != nil {
			t.Errorf("Parse(%q): %v", r.typed, err)
			continue
		}
		meant, err := expr.Parse(r.meant)
		if err != nil {
			t.Errorf("Parse(%q): %v", r.meant, err)
			continue
		}
		if !equal(e, meant) {
			t.Errorf("Parse(%q) = %s, want the tree of %s", r.typed, e, meant)
		}
		if got := e.String(); got != r.canon {
			t.Errorf("Parse(%q).String() = %q, want %q", r.typed, got, r.canon)
		}
		if got, err := expr.Eval(e, precEnv); err != nil || got != r.want {
			t.Errorf("Eval(%q) = %v, %v; want %v", r.typed, got, err, r.want)
		}
		back, err := expr.Parse(e.String())
		if err != nil || !equal(back, e) || back.String() != e.String() {
			t.Errorf("round trip of %q via %q: %v, %v", r.typed, e.String(), back, err)
		}
	}
}

// evalRows exercise every function and pi. want is computed by the same
// math functions in Go; the comparison allows 1e-15 relative because
// the Go spec lets the compiler fuse x*y+z in the want expressions
// (FMA on arm64 and others), which can change the last bit.
var evalRows = []struct {
	src  string
	want func(t, y float64) float64
}{
	{"sin(t) + cos(y)", func(t, y float64) float64 { return math.Sin(t) + math.Cos(y) }},
	{"tan(t/4)", func(t, y float64) float64 { return math.Tan(t / 4) }},
	{"exp(-t)*log(y)", func(t, y float64) float64 { return math.Exp(-t) * math.Log(y) }},
	{"sqrt(abs(t - y))", func(t, y float64) float64 { return math.Sqrt(math.Abs(t - y)) }},
	{"tanh(2*t)", func(t, y float64) float64 { return math.Tanh(2 * t) }},
	{"pow(t, 2.5)", func(t, y float64) float64 { return math.Pow(t, 2.5) }},
	{"t^2.5", func(t, y float64) float64 { return math.Pow(t, 2.5) }},
	{"pi*t", func(t, y float64) float64 { return math.Pi * t }},
	{"-y/t", func(t, y float64) float64 { return -y / t }},
	{"(t - y)^-2", func(t, y float64) float64 { return math.Pow(t-y, -2) }},
	{"t - 1 + 2*exp(-t)", func(t, y float64) float64 { return t - 1 + 2*math.Exp(-t) }},
	{"-9*y", func(t, y float64) float64 { return -9 * y }},
	{"log(exp(1))", func(t, y float64) float64 { return 1 }},
	{"sqrt(-y)", func(t, y float64) float64 { return math.NaN() }},
}

func TestEvalCompile(t *testing.T) {
	env := map[string]float64{"t": 0.7, "y": 1.3}
	for _, r := range evalRows {
		e, err := expr.Parse(r.src)
		if err != nil {
			t.Errorf("Parse(%q): %v", r.src, err)
			continue
		}
		got, err := expr.Eval(e, env)
		if err != nil {
			t.Errorf("Eval(%q): %v", r.src, err)
			continue
		}
		want := r.want(env["t"], env["y"])
		if !sameFloat(got, want) && math.Abs(got-want) > 1e-15*math.Abs(want) {
			t.Errorf("Eval(%q) = %v, want %v", r.src, got, want)
		}
		idx, x := vars(e, env)
		f, err := expr.Compile(e, idx)
		if err != nil {
			t.Errorf("Compile(%q): %v", r.src, err)
			continue
		}
		// Compile does the same operations in the same order as Eval, so
		// the results must be identical.
		if c := f(x); !sameFloat(c, got) {
			t.Errorf("Compile(%q) = %v, Eval = %v", r.src, c, got)
		}
	}
}

func TestPiIsConstant(t *testing.T) {
	e, _ := expr.Parse("pi")
	if v, err := expr.Eval(e, map[string]float64{"pi": 3}); err != nil || v != math.Pi {
		t.Errorf("Eval(pi) = %v, %v", v, err)
	}
	f, err := expr.Compile(e, map[string]int{"pi": 0})
	if err != nil || f([]float64{3}) != math.Pi {
		t.Errorf("Compile(pi): %v", err)
	}
}

func TestUnknownNameAtRuntime(t *testing.T) {
	e, _ := expr.Parse("t - z")
	_, err := expr.Eval(e, map[string]float64{"t": 1})
	checkError(t, "Eval", err, 5, "z")
	_, err = expr.Compile(e, map[string]int{"t": 0})
	checkError(t, "Compile", err, 5, "z")
}

func TestNamesCheck(t *testing.T) {
	src := "a*x - b*x*y + pi*t + sin(z)"
	e, err := expr.Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := expr.Names(e), []string{"a", "b", "t", "x", "y", "z"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Names = %v, want %v", got, want)
	}
	if err := expr.Check(e, src, "a", "b", "t", "x", "y", "z"); err != nil {
		t.Errorf("Check with all names: %v", err)
	}
	err = expr.Check(e, src, "t", "x", "y")
	checkError(t, "Check", err, 1, "a")
	want := `column 1: unknown name "a" (known: pi, t, x, y) in "a*x - b*x*y + pi*t + sin(z)"`
	if err.Error() != want {
		t.Errorf("Check error:\n got %s\nwant %s", err, want)
	}
	err = expr.Check(e, src, "a", "t", "x", "y")
	checkError(t, "Check", err, 7, "b")
	if got := expr.Names(mustParse(t, "pi*2")); len(got) != 0 {
		t.Errorf("Names(pi*2) = %v, want none", got)
	}
}

func TestPositions(t *testing.T) {
	for _, r := range []struct {
		src  string
		path func(expr.Expr) expr.Expr
		col  int
	}{
		{"(a+b)*c", func(e expr.Expr) expr.Expr { return e }, 1},
		{"(a+b)*c", func(e expr.Expr) expr.Expr { return e.(*expr.Binary).X }, 2},
		{"2 * -t", func(e expr.Expr) expr.Expr { return e.(*expr.Binary).Y }, 5},
		{"t + sin( y )", func(e expr.Expr) expr.Expr { return e.(*expr.Binary).Y }, 5},
		{"t + sin( y )", func(e expr.Expr) expr.Expr { return e.(*expr.Binary).Y.(*expr.Call).Args[0] }, 10},
		{"  -t^2", func(e expr.Expr) expr.Expr { return e.(*expr.Neg).X }, 4},
	} {
		if got := r.path(mustParse(t, r.src)).Pos(); got != r.col {
			t.Errorf("%q: Pos = %d, want %d", r.src, got, r.col)
		}
	}
}

// TestLongFlatSum checks that long chains are not mistaken for nesting:
// only parentheses, signs, exponents and calls nest.
func TestLongFlatSum(t *testing.T) {
	src := "t" + strings.Repeat(" + t", 900)
	e := mustParse(t, src)
	if v, err := expr.Eval(e, map[string]float64{"t": 1}); err != nil || v != 901 {
		t.Errorf("Eval = %v, %v; want 901", v, err)
	}
}

func mustParse(t *testing.T, src string) expr.Expr {
	t.Helper()
	e, err := expr.Parse(src)
	if err != nil {
		t.Fatalf("Parse(%q): %v", src, err)
	}
	return e
}
