package expr_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"pinn/problems/expr"
)

// refusedRows are Go expressions that are not equations. col and text
// are the column and offending text the error must report; msg is a
// part of the message.
var refusedRows = []struct {
	src  string
	col  int
	text string
	msg  string
}{
	{"x.y", 1, "x.y", "selector"},
	{"t + f(x)(y)", 5, "f(x)(y)", "only built-in functions"},
	{"math.Sin(t)", 1, "math.Sin(t)", "only built-in functions"},
	{"t*a[i]", 3, "a[i]", "indexing"},
	{"a[i, j]", 1, "a[i, j]", "indexing"},
	{"a[1:2] - t", 1, "a[1:2]", "slicing"},
	{`t + "s"`, 5, `"s"`, "string literal"},
	{"'c' * t", 1, "'c'", "character literal"},
	{"2i + t", 1, "2i", "imaginary number"},
	{"t && y", 3, "&&", "not allowed"},
	{"t || y", 3, "||", "not allowed"},
	{"t == y", 3, "==", "not allowed"},
	{"t < y", 3, "<", "not allowed"},
	{"t >= y", 3, ">=", "not allowed"},
	{"!t", 1, "!", "unary"},
	{"y*^t", 3, "^", "unary"},
	{"&t", 1, "&", "unary"},
	{"<-t", 1, "<-", "unary"},
	{"2 * *t", 5, "*", "unary"},
	{"t**2", 3, "*", "a^b"},
	{"t % 2", 3, "%", "not allowed"},
	{"t << 1", 3, "<<", "not allowed"},
	{"t >> 1", 3, ">>", "not allowed"},
	{"t & 1", 3, "&", "not allowed"},
	{"t | 1", 3, "|", "not allowed"},
	{"t &^ 1", 3, "&^", "not allowed"},
	{"T{1}", 1, "T{1}", "composite literal"},
	{"[]float64{1}", 1, "[]float64{1}", "composite literal"},
	{"func() float64 { return 1 }", 1, "func() float64 { return 1 }", "function literal"},
	{"t.(float64)", 1, "t.(float64)", "type assertion"},
	{"[]int", 1, "[]int", "not allowed"},
	{"sin(t...)", 6, "...", "not allowed"},
	{"(sin)(t)", 1, "(sin)(t)", "only built-in functions"},
	{"t + foo(t)", 5, "foo", "unknown function \"foo\" (known: abs, cos, exp, log, pow, sin, sqrt, tan, tanh)"},
	{"sin(1, 2)", 1, "sin", "sin takes 1 argument, got 2"},
	{"pow(2)", 1, "pow", "pow takes 2 arguments, got 1"},
	{"exp()", 1, "exp", "exp takes 1 argument, got 0"},
	{"sin + 1", 1, "sin", "is a function"},
	{"0x1p-2", 1, "0x1p-2", "not decimal"},
	{"1e999", 1, "1e999", "out of range"},
	{"t + 010", 5, "010", "leading zero"},
	{"t + 08", 6, "8", "octal"}, // go/parser's own error
	{"t +", 4, "", "syntax error"},
	{"1 2", 3, "2", "syntax error"},
	{"(t", 3, "", "syntax error"},
	{"t)", 2, ")", "syntax error"},
	{"t = 1", 3, "=", "syntax error"},
	{"a[1] % b.c", 1, "a[1]", "indexing"}, // the leftmost problem wins
	{"t % b.c", 3, "%", "not allowed"},
	{"a == b[1]", 3, "==", "not allowed"},
	{"sin(x.y, z)", 1, "sin", "takes 1 argument"},
	{"t - \"é\" + 1", 5, `"é"`, "string literal"},
}

func TestRefused(t *testing.T) {
	for _, r := range refusedRows {
		_, err := expr.Parse(r.src)
		if !checkError(t, fmt.Sprintf("Parse(%q)", r.src), err, r.col, r.text) {
			continue
		}
		if !strings.Contains(err.Error(), r.msg) {
			t.Errorf("Parse(%q): %q does not contain %q", r.src, err, r.msg)
		}
		if r.text != "" && !strings.Contains(err.Error(), fmt.Sprintf("%q", r.text)) &&
			!strings.Contains(err.Error(), r.text) {
			t.Errorf("Parse(%q): %q does not name %q", r.src, err, r.text)
		}
	}
}

func TestErrorFormat(t *testing.T) {
	for _, r := range []struct{ src, want string }{
		{"t % 2", `column 3: "%" is not allowed in "t % 2"`},
		{"", "empty expression"},
		{" \t\n", "empty expression"},
		{"t +\n", `column 5: syntax error: expected operand, found 'EOF' in "t +\n"`},
	} {
		_, err := expr.Parse(r.src)
		if err == nil || err.Error() != r.want {
			t.Errorf("Parse(%q) error:\n got %v\nwant %s", r.src, err, r.want)
		}
	}
	// A long source is cut around the column and stays on one line.
	src := strings.Repeat("t + ", 500) + "t % 2" + strings.Repeat(" +\nt", 300)
	_, err := expr.Parse(src)
	msg := err.Error()
	if !strings.Contains(msg, `"%" is not allowed`) || len(msg) > 150 || strings.Contains(msg, "\n") {
		t.Errorf("long source: %q", msg)
	}
}

// TestLimits checks that huge or deeply nested inputs are refused
// cleanly, while nesting up to the limit (200) still works.
func TestLimits(t *testing.T) {
	nest := func(open, inner, close string, n int) string {
		return strings.Repeat(open, n) + inner + strings.Repeat(close, n)
	}
	ok := []string{
		nest("(", "t", ")", 200),
		nest("- ", "t", "", 200),
		nest("sin(", "t", ")", 200),
		nest("2^", "t", "", 200),
	}
	for _, src := range ok {
		if _, err := expr.Parse(src); err != nil {
			t.Errorf("Parse(%.20q...): %v", src, err)
		}
	}
	refused := []string{
		nest("(", "t", ")", 201),
		nest("(", "t", ")", 300),
		nest("- ", "t", "", 300),
		nest("-(", "t", ")", 300),
		nest("sin(", "t", ")", 300),
		nest("2^", "t", "", 300),
		nest("2^(", "t", ")", 300),
		nest("(", "t", ")", 2000),
	}
	for _, src := range refused {
		_, err := expr.Parse(src)
		if !checkError(t, fmt.Sprintf("Parse(%.20q...)", src), err, -1, "") || !strings.Contains(err.Error(), "nested more than 200") {
			t.Errorf("Parse(%.20q...): %v", src, err)
		}
	}
	long := []string{
		strings.Repeat("t+", 2048) + "t",
		strings.Repeat(" ", 5000) + "t",
		// Accepted length, but the canonical text "0.5 + 0.5 + ..." is
		// longer than the limit, so it could not be parsed back.
		strings.Repeat(".5+", 1300) + ".5",
	}
	for _, src := range long {
		if _, err := expr.Parse(src); err == nil || !strings.Contains(err.Error(), "longer than 4096") {
			t.Errorf("Parse(%.20q...) (len %d): %v", src, len(src), err)
		}
	}
}

// checkError reports whether err is an *Error at column col (any column
// if col < 0) with the offending text text (any if text is "").
func checkError(t *testing.T, what string, err error, col int, text string) bool {
	t.Helper()
	var e *expr.Error
	if !errors.As(err, &e) {
		t.Errorf("%s: error %v (%T), want *expr.Error", what, err, err)
		return false
	}
	if col >= 0 && e.Col != col || text != "" && e.Text != text {
		t.Errorf("%s: column %d text %q, want column %d text %q (%v)", what, e.Col, e.Text, col, text, err)
		return false
	}
	if col >= 0 && !strings.HasPrefix(err.Error(), fmt.Sprintf("column %d: ", col)) {
		t.Errorf("%s: %q does not start with the column", what, err)
		return false
	}
	return true
}
