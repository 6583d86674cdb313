package expr_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"pinn/problems/expr"
)

// equationRows are equations that ParseEquation accepts with the calls y
// and dy, and the canonical text of each side.
var equationRows = []struct{ src, lhs, rhs string }{
	{"y(0) = 0", "y(0)", "0"},
	{"dy(1) = 0", "dy(1)", "0"},
	{"y(1) + 2*dy(1) = 3", "y(1) + 2*dy(1)", "3"},
	{"y(0)=y(1)", "y(0)", "y(1)"},
	{"  y(pi/2)^2 - exp(dy(0))  =  -a ", "y(pi/2)^2 - exp(dy(0))", "-a"},
	{"0 = y(1/3) - sin(y(2/3))", "0", "y(1/3) - sin(y(2/3))"},
}

func TestParseEquation(t *testing.T) {
	for _, r := range equationRows {
		lhs, rhs, err := expr.ParseEquation(r.src, "y", "dy")
		if err != nil {
			t.Errorf("ParseEquation(%q): %v", r.src, err)
			continue
		}
		if lhs.String() != r.lhs || rhs.String() != r.rhs {
			t.Errorf("ParseEquation(%q) = %q, %q; want %q, %q", r.src, lhs, rhs, r.lhs, r.rhs)
		}
	}
	// Columns count from the start of the equation, on both sides.
	_, rhs, err := expr.ParseEquation("y(0) = 2*dy(1)", "y", "dy")
	if err != nil {
		t.Fatal(err)
	}
	b := rhs.(*expr.Binary)
	if b.Pos() != 8 || b.Y.Pos() != 10 || b.Y.(*expr.Call).Args[0].Pos() != 13 {
		t.Errorf("right side columns %d, %d, %d; want 8, 10, 13", b.Pos(), b.Y.Pos(), b.Y.(*expr.Call).Args[0].Pos())
	}
}

// equationRefusedRows are refused equations, with the column, offending
// text and part of the message the error must have (column 0 and text ""
// when no place in the text is to blame).
var equationRefusedRows = []struct {
	src  string
	col  int
	text string
	msg  string
}{
	{"", 0, "", "empty equation"},
	{"y(0)", 0, "", `no "=": an equation has two sides`},
	{"y(0) == 1", 6, "==", `"==" is not allowed`},
	{"y(0) <= 1", 6, "<=", `"<=" is not allowed`},
	{"y(0) := 1", 6, ":=", "syntax error"},
	{"y(0) = 1 = 2", 10, "=", `a second "="`},
	{"= 1", 1, "=", `nothing before "="`},
	{"y(0) =  ", 6, "=", `nothing after "="`},
	{"y(0) = 1 +", 11, "", "syntax error"},
	{"y(0) = z(1)", 8, "z", `unknown function "z" (known: dy, y and abs, cos,`},
	{"y(0, 1) = 0", 1, "y", "y takes 1 argument, got 2"},
	{"y() = 0", 1, "y", "y takes 1 argument, got 0"},
	{"y(0) = 1 % 2", 10, "%", `"%" is not allowed`},
	{"y(0) = x.z", 8, "x.z", "selector"},
	{strings.Repeat(" ", 4100) + "y(0) = 1", 0, "", "longer than 4096"},
}

func TestParseEquationRefused(t *testing.T) {
	for _, r := range equationRefusedRows {
		_, _, err := expr.ParseEquation(r.src, "y", "dy")
		what := fmt.Sprintf("ParseEquation(%.30q)", r.src)
		col := r.col
		if col == 0 {
			col = -1 // checkError's "any column"; Col itself is checked below
		}
		if !checkError(t, what, err, col, r.text) {
			continue
		}
		if !strings.Contains(err.Error(), r.msg) {
			t.Errorf("%s: %q does not contain %q", what, err, r.msg)
		}
		var pe *expr.Error
		if errors.As(err, &pe); pe.Src != r.src || pe.Col != r.col {
			t.Errorf("%s: column %d in %q, want column %d in the whole equation", what, pe.Col, pe.Src, r.col)
		}
	}
	// Without calls, y(0) is an unknown function, as in Parse.
	if _, _, err := expr.ParseEquation("y(0) = 1"); !checkError(t, "no calls", err, 1, "y") {
		t.Log(err)
	}
}

// FuzzParseEquation checks, for any input, that ParseEquation does not
// panic, that its errors are one-line *Error values with a column inside
// the input, and that an accepted equation written out as
// "lhs = rhs" parses back to the same two trees. Seeds are the rows above
// and the files in testdata/fuzz/FuzzParseEquation.
func FuzzParseEquation(f *testing.F) {
	for _, r := range equationRows {
		f.Add(r.src)
	}
	for _, r := range equationRefusedRows {
		f.Add(r.src)
	}
	f.Fuzz(func(t *testing.T, src string) {
		lhs, rhs, err := expr.ParseEquation(src, "y", "dy")
		if err != nil {
			var pe *expr.Error
			if !errors.As(err, &pe) {
				t.Fatalf("ParseEquation(%q): error %T, want *expr.Error", src, err)
			}
			if msg := err.Error(); strings.Contains(msg, "\n") {
				t.Fatalf("ParseEquation(%q): error on more than one line: %q", src, msg)
			}
			if pe.Col < 0 || pe.Col > len(src)+1 {
				t.Fatalf("ParseEquation(%q): column %d outside the input", src, pe.Col)
			}
			return
		}
		s := lhs.String() + " = " + rhs.String()
		l2, r2, err := expr.ParseEquation(s, "y", "dy")
		if err != nil {
			t.Fatalf("ParseEquation(%q) written out as %q does not parse: %v", src, s, err)
		}
		if !equal(lhs, l2) || !equal(rhs, r2) {
			t.Fatalf("ParseEquation(%q) written out as %q parses to %q = %q", src, s, l2, r2)
		}
	})
}
