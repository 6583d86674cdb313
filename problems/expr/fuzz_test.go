package expr_test

import (
	"errors"
	"strings"
	"testing"

	"pinn/problems/expr"
)

// FuzzParse checks, for any input, that Parse does not panic, that its
// errors are one-line *Error values with a column inside the input, and
// that an accepted expression's String() parses back to the same tree
// with the same value. Seeds are every table row of the tests, plus the
// files in testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	for _, r := range precedenceRows {
		f.Add(r.typed)
		f.Add(r.meant)
	}
	for _, r := range evalRows {
		f.Add(r.src)
	}
	for _, r := range refusedRows {
		f.Add(r.src)
	}
	f.Fuzz(func(t *testing.T, src string) {
		e, err := expr.Parse(src)
		if err != nil {
			var pe *expr.Error
			if !errors.As(err, &pe) {
				t.Fatalf("Parse(%q): error %T, want *expr.Error", src, err)
			}
			if msg := err.Error(); strings.Contains(msg, "\n") {
				t.Fatalf("Parse(%q): error on more than one line: %q", src, msg)
			}
			if pe.Col < 0 || pe.Col > len(src)+1 {
				t.Fatalf("Parse(%q): column %d outside the input", src, pe.Col)
			}
			return
		}
		s := e.String()
		back, err := expr.Parse(s)
		if err != nil {
			t.Fatalf("Parse(%q).String() = %q does not parse: %v", src, s, err)
		}
		if !equal(e, back) {
			t.Fatalf("Parse(%q).String() = %q parses to a different tree %q", src, s, back)
		}
		if s2 := back.String(); s2 != s {
			t.Fatalf("String() is not canonical: %q, then %q", s, s2)
		}
		vals := env(e, 0.5)
		v1, err1 := expr.Eval(e, vals)
		v2, err2 := expr.Eval(back, vals)
		if err1 != nil || err2 != nil || !sameFloat(v1, v2) {
			t.Fatalf("Eval(%q) = %v, %v; Eval(%q) = %v, %v", src, v1, err1, s, v2, err2)
		}
		idx, x := vars(e, vals)
		c, err := expr.Compile(e, idx)
		if err != nil {
			t.Fatalf("Compile(%q): %v", src, err)
		}
		if v := c(x); !sameFloat(v, v1) {
			t.Fatalf("Compile(%q) = %v, Eval = %v", src, v, v1)
		}
	})
}
