package f64

import "math"

// tanhConstants are tanhVec's constants, each repeated four times: the
// absolute-value mask, the branch point 0.625, math.Tanh's rational
// coefficients P0-P2 and Q0-Q2, 2, the cap 700, log2(e), ln 2 in two parts
// (math's Ln2Hi and Ln2Lo), the Taylor coefficients of e^r from 1/13! down
// to 1, then 1 and the exponent bias 1023 (as integer bits).
var tanhConstants = func() *[29][4]float64 {
	v := []float64{math.Float64frombits(1<<63 - 1), 0.625,
		-9.64399179425052238628e-1, -9.92877231001918586564e1, -1.61468768441708447952e3,
		1.12811678491632931402e2, 2.23548839060100448583e3, 4.84406305325125486048e3,
		2, 700, math.Log2E, 6.93147180369123816490e-01, 1.90821492927058770002e-10}
	f := 1.0
	taylor := make([]float64, 14)
	for k := 0; k <= 13; k++ {
		if k > 0 {
			f *= float64(k)
		}
		taylor[13-k] = 1 / f
	}
	v = append(append(v, taylor...), 1, math.Float64frombits(1023))
	var c [29][4]float64
	for i, x := range v {
		c[i] = [4]float64{x, x, x, x}
	}
	return &c
}()

// TanhTo is
//
//	for i := range out {
//		out[i] = math.Tanh(a[i])
//	}
//
// for len(a) >= len(out). The assembly does four at a time with AVX2 (and
// math.Tanh the rest), or all of them eight at a time with AVX-512, within
// 2 ulp of math.Tanh and the same bits with either: it evaluates
// math.Tanh's own formulas with fused multiply-adds and an exp of its own
// (see tanh_amd64.s).
func TanhTo(out, a []float64) {
	a = a[:len(out)]
	done := 0
	switch use {
	case isaAVX512:
		tanh8(out, a, tanhConstants)
		done = len(out)
	case isaAVX2:
		tanhVec(out, a, tanhConstants)
		done = len(out) &^ 3
	}
	for i := done; i < len(out); i++ {
		out[i] = math.Tanh(a[i])
	}
}
