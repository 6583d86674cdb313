package graph

// mulTo sets out[i] = a[i] * b[i].
func mulTo(out, a, b []float64) {
	a, b = a[:len(out)], b[:len(out)]
	if haveAVX2FMA {
		vecMul(out, a, b)
		return
	}
	for i := range out {
		out[i] = a[i] * b[i]
	}
}

// addTo sets out[i] = a[i] + b[i].
func addTo(out, a, b []float64) {
	a, b = a[:len(out)], b[:len(out)]
	if haveAVX2FMA {
		vecAdd(out, a, b)
		return
	}
	for i := range out {
		out[i] = a[i] + b[i]
	}
}

// subTo sets out[i] = a[i] - b[i].
func subTo(out, a, b []float64) {
	a, b = a[:len(out)], b[:len(out)]
	if haveAVX2FMA {
		vecSub(out, a, b)
		return
	}
	for i := range out {
		out[i] = a[i] - b[i]
	}
}

// scaleTo sets out[i] = a[i] * s.
func scaleTo(out, a []float64, s float64) {
	a = a[:len(out)]
	if haveAVX2FMA {
		vecMulScalar(out, a, s)
		return
	}
	for i := range out {
		out[i] = a[i] * s
	}
}

// shiftTo sets out[i] = a[i] + s (and, with -s, a[i] - s: IEEE subtraction
// is addition of the negation, so the results are the same bits).
func shiftTo(out, a []float64, s float64) {
	a = a[:len(out)]
	if haveAVX2FMA {
		vecAddScalar(out, a, s)
		return
	}
	for i := range out {
		out[i] = a[i] + s
	}
}

// axpyTo adds s * a[i] to out[i].
func axpyTo(out, a []float64, s float64) {
	a = a[:len(out)]
	if haveAVX2FMA {
		vecAxpy(out, a, s)
		return
	}
	for i := range out {
		out[i] += s * a[i]
	}
}

// dot returns the sum of a[i] * b[i].
func dot(a, b []float64) float64 {
	b = b[:len(a)]
	if haveAVX2FMA {
		return vecDot(a, b)
	}
	s := 0.0
	for i, x := range a {
		s += x * b[i]
	}
	return s
}
