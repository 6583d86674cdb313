package main

import (
	"bufio"
	"io"
	"strconv"
)

// writeColumns writes a header line and then the numbers of cols, row by
// row, each column right-aligned and two spaces wider than its widest
// entry: what text/tabwriter writes with padding 2 and AlignRight, but
// with each number formatted once (strconv's 'g' at precs[j] significant
// digits) into one buffer. pinn eval prints up to millions of rows, which
// tabwriter, with a cell and a fmt call per number, takes seconds over.
func writeColumns(w io.Writer, header []string, cols [][]float64, precs []int) error {
	rows := 0
	if len(cols) > 0 {
		rows = len(cols[0])
	}
	widths := make([]int, len(cols))
	for j, h := range header {
		widths[j] = len(h)
	}
	text := make([]byte, 0, rows*len(cols)*14)
	ends := make([]int, 0, rows*len(cols))
	for k := range rows {
		for j, c := range cols {
			start := len(text)
			text = strconv.AppendFloat(text, c[k], 'g', precs[j], 64)
			widths[j] = max(widths[j], len(text)-start)
			ends = append(ends, len(text))
		}
	}
	bw := bufio.NewWriter(w)
	cell := func(j int, s []byte) {
		for range widths[j] + 2 - len(s) {
			bw.WriteByte(' ')
		}
		bw.Write(s)
	}
	for j, h := range header {
		cell(j, []byte(h))
	}
	bw.WriteByte('\n')
	start := 0
	for k := range rows {
		for j := range cols {
			end := ends[k*len(cols)+j]
			cell(j, text[start:end])
			start = end
		}
		bw.WriteByte('\n')
	}
	return bw.Flush()
}
