package expr

import (
	"errors"
	"fmt"
	"go/scanner"
	"go/token"
	"strings"
)

// ParseEquation parses an equation "lhs = rhs", such as the boundary
// condition "y(1) + 2*dy(1) = 3", into its two sides. calls names functions
// of one argument that the sides may call besides the built-in ones (here y
// and dy); such calls come back as *Call nodes, which Eval and Compile
// refuse: the caller gives them their meaning. Errors are *Error values
// whose column counts from the start of the whole equation.
func ParseEquation(src string, calls ...string) (lhs, rhs Expr, err error) {
	if strings.TrimSpace(src) == "" {
		return nil, nil, &Error{Src: src, Msg: "empty equation"}
	}
	if len(src) > maxLen {
		return nil, nil, &Error{Src: src, Msg: fmt.Sprintf("equation is longer than %d bytes", maxLen)}
	}
	known := map[string]bool{}
	for _, c := range calls {
		known[c] = true
	}
	eqs := assignments(src)
	switch {
	case len(eqs) == 0:
		// Say what is wrong with the text first: "y(0) == 1" is better
		// told about its "==" than about a missing "=".
		if _, err := parse(src, known); err != nil {
			return nil, nil, err
		}
		return nil, nil, &Error{Src: src, Msg: `no "=": an equation has two sides, such as y(0) = 1`}
	case len(eqs) > 1:
		return nil, nil, &Error{Src: src, Col: eqs[1] + 1, Text: "=", Msg: `a second "=": an equation has one`}
	}
	at := eqs[0]
	// Each side is parsed with the rest of the text blanked out, so that
	// columns count from the start of the equation.
	blank := strings.Repeat(" ", at+1)
	if lhs, err = parseSide(src, src[:at], at, "before", known); err == nil {
		rhs, err = parseSide(src, blank+src[at+1:], at, "after", known)
	}
	if err != nil {
		return nil, nil, err
	}
	return lhs, rhs, nil
}

// parseSide parses one side of the equation src, whose "=" is at byte
// offset at; where says which side it is, for the message about an empty
// one, and calls are the functions the caller accepts.
func parseSide(src, side string, at int, where string, calls map[string]bool) (Expr, error) {
	if strings.TrimSpace(side) == "" {
		return nil, &Error{Src: src, Col: at + 1, Text: "=", Msg: fmt.Sprintf(`nothing %s "="`, where)}
	}
	e, err := parse(side, calls)
	var pe *Error
	if errors.As(err, &pe) {
		pe.Src = src
	}
	return e, err
}

// assignments returns the byte offsets of the "=" tokens of src. Go's
// scanner tells "=" from "==", "<=", ":=" and the like, which the sides'
// parser then refuses with their column.
func assignments(src string) []int {
	var s scanner.Scanner
	s.Init(token.NewFileSet().AddFile("", -1, len(src)), []byte(src), func(token.Position, string) {}, 0)
	var at []int
	for {
		pos, tok, _ := s.Scan()
		switch tok {
		case token.EOF:
			return at
		case token.ASSIGN:
			at = append(at, int(pos)-1) // the file's base is 1
		}
	}
}
