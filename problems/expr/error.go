package expr

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Error is a parse or check error: the source, the 1-based column (byte
// offset + 1; 0 when no column applies), the offending text and a
// message that already quotes that text.
type Error struct {
	Src  string
	Col  int
	Text string
	Msg  string
}

// Error returns one line, such as
//
//	column 5: unknown name "z" (known: pi, t) in "t - z"
//
// Long sources are cut to a window around the column, and the source is
// quoted so that newlines in it cannot break the line.
func (e *Error) Error() string {
	var b strings.Builder
	if e.Col > 0 {
		fmt.Fprintf(&b, "column %d: ", e.Col)
	}
	b.WriteString(oneLine(e.Msg)) // go/parser's messages may quote raw `...` text
	if strings.TrimSpace(e.Src) != "" {
		fmt.Fprintf(&b, " in %q", excerpt(e.Src, e.Col))
	}
	return b.String()
}

// oneLine escapes the characters of s that are not printable, such as
// newlines, the way %q would.
func oneLine(s string) string {
	if !strings.ContainsFunc(s, notPrintable) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if notPrintable(r) {
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func notPrintable(r rune) bool { return !unicode.IsPrint(r) }

// excerptLen is how much of a long source an error message shows.
const excerptLen = 60

// excerpt returns src, or for a long src about excerptLen bytes around
// col, cut at rune boundaries and marked with "...".
func excerpt(src string, col int) string {
	if len(src) <= excerptLen {
		return src
	}
	lo := max(0, min(col-1-excerptLen/2, len(src)-excerptLen))
	hi := lo + excerptLen
	for lo > 0 && !utf8.RuneStart(src[lo]) {
		lo--
	}
	for hi < len(src) && !utf8.RuneStart(src[hi]) {
		hi++
	}
	s := src[lo:hi]
	if lo > 0 {
		s = "..." + s
	}
	if hi < len(src) {
		s += "..."
	}
	return s
}

// short shortens offending text for a message; Error.Text keeps it whole.
func short(s string) string {
	if len(s) <= 30 {
		return s
	}
	n := 27
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "..."
}
