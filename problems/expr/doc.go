// Package expr parses the equations users type on the command line, such
// as "a*x - b*x*y" or "t - 1 + 2*exp(-t)", into a small expression tree
// that other packages walk, and evaluates such trees on float64.
//
// The text is read by the standard library's go/parser, so numbers,
// names, whitespace and parentheses follow Go's rules, and the Go syntax
// tree is then converted with two changes that make it read like
// mathematics:
//
//   - ^ is power, not XOR. It binds tighter than unary minus, than *
//     and than /, and it is right-associative: -t^2 is -(t^2), 2*t^2
//     is 2*(t^2), 2^3^2 is 2^(3^2) and 2^-3^2 is 2^(-(3^2)).
//   - Everything Go allows that is not arithmetic (selectors, indexing,
//     literals other than decimal numbers, logical, comparison and bit
//     operators, calls of anything but the built-in functions, ...) is
//     refused with an *Error that names the column and the text.
//
// The grammar, after Go has tokenized the input, is
//
//	sum     = product { ("+" | "-") product }
//	product = unary { ("*" | "/") unary }
//	unary   = ("-" | "+") unary | power
//	power   = operand [ "^" unary ]
//	operand = number | name | call | "(" sum ")"
//
// The functions are sin, cos, tan, exp, log (natural), sqrt, tanh and
// abs of one argument and pow of two; pi is the only built-in constant.
// Numbers are decimal; an integer with a leading zero, such as 010,
// which Go would read as octal, is refused.
//
// ParseEquation reads an equation "lhs = rhs" between two such
// expressions, such as the boundary condition "y(1) + 2*dy(1) = 3", where
// the caller names the functions (here y and dy) that stand for
// evaluations at a point.
package expr
