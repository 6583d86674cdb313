package main

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"text/tabwriter"
)

// TestWriteColumnsMatchesTabwriter checks writeColumns byte for byte
// against the text/tabwriter code pinn eval used before, on columns of
// random numbers of every size and sign, with NaN, infinities, zeros and
// integers among them, and on no rows at all.
func TestWriteColumnsMatchesTabwriter(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, rows := range []int{0, 1, 7, 1000} {
		cols := make([][]float64, 3)
		for j := range cols {
			cols[j] = make([]float64, rows)
			for k := range rows {
				switch rng.IntN(8) {
				case 0:
					cols[j][k] = []float64{math.NaN(), math.Inf(1), math.Inf(-1), 0, -0.0, 1, 1e6}[rng.IntN(7)]
				case 1:
					cols[j][k] = float64(rng.IntN(2000) - 1000)
				default:
					cols[j][k] = rng.NormFloat64() * math.Pow(10, float64(rng.IntN(40)-20))
				}
			}
		}
		header := []string{"t", "y", "a_long_name"}
		precs := []int{6, 10, 10}
		var want bytes.Buffer
		w := tabwriter.NewWriter(&want, 0, 4, 2, ' ', tabwriter.AlignRight)
		for _, h := range header {
			fmt.Fprint(w, h+"\t")
		}
		fmt.Fprintln(w)
		for k := range rows {
			fmt.Fprintf(w, "%.6g\t%.10g\t%.10g\t\n", cols[0][k], cols[1][k], cols[2][k])
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		if err := writeColumns(&got, header, cols, precs); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Errorf("%d rows: writeColumns wrote\n%s\ntabwriter\n%s", rows, got.String(), want.String())
		}
	}
}
