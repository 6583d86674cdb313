package f64

// MulTo is
//
//	for i := range out {
//		out[i] = a[i] * b[i]
//	}
//
// for len(a), len(b) >= len(out).
func MulTo(out, a, b []float64) {
	a, b = a[:len(out)], b[:len(out)]
	if use >= isaAVX2 {
		vecMul(out, a, b)
		return
	}
	for i := range out {
		out[i] = a[i] * b[i]
	}
}

// AddTo is
//
//	for i := range out {
//		out[i] = a[i] + b[i]
//	}
//
// for len(a), len(b) >= len(out).
func AddTo(out, a, b []float64) {
	a, b = a[:len(out)], b[:len(out)]
	if use >= isaAVX2 {
		vecAdd(out, a, b)
		return
	}
	for i := range out {
		out[i] = a[i] + b[i]
	}
}

// SubTo is
//
//	for i := range out {
//		out[i] = a[i] - b[i]
//	}
//
// for len(a), len(b) >= len(out).
func SubTo(out, a, b []float64) {
	a, b = a[:len(out)], b[:len(out)]
	if use >= isaAVX2 {
		vecSub(out, a, b)
		return
	}
	for i := range out {
		out[i] = a[i] - b[i]
	}
}

// ScaleTo is
//
//	for i := range out {
//		out[i] = a[i] * s
//	}
//
// for len(a) >= len(out).
func ScaleTo(out, a []float64, s float64) {
	a = a[:len(out)]
	if use >= isaAVX2 {
		vecMulScalar(out, a, s)
		return
	}
	for i := range out {
		out[i] = a[i] * s
	}
}

// ShiftTo is
//
//	for i := range out {
//		out[i] = a[i] + s
//	}
//
// for len(a) >= len(out). With -s it gives a[i] - s: IEEE subtraction is
// addition of the negation, so the results are the same bits.
func ShiftTo(out, a []float64, s float64) {
	a = a[:len(out)]
	if use >= isaAVX2 {
		vecAddScalar(out, a, s)
		return
	}
	for i := range out {
		out[i] = a[i] + s
	}
}

// SubFromTo is
//
//	for i := range out {
//		out[i] = s - b[i]
//	}
//
// for len(b) >= len(out).
func SubFromTo(out []float64, s float64, b []float64) {
	b = b[:len(out)]
	if use >= isaAVX2 {
		vecSubFrom(out, s, b)
		return
	}
	for i := range out {
		out[i] = s - b[i]
	}
}

// NegTo is
//
//	for i := range out {
//		out[i] = -a[i]
//	}
//
// for len(a) >= len(out).
func NegTo(out, a []float64) {
	a = a[:len(out)]
	if use >= isaAVX2 {
		vecNeg(out, a)
		return
	}
	for i := range out {
		out[i] = -a[i]
	}
}

// MulScaleTo is
//
//	for i := range out {
//		out[i] = float64(a[i]*b[i]) * s
//	}
//
// for len(a), len(b) >= len(out): each product rounded, then scaled.
func MulScaleTo(out, a, b []float64, s float64) {
	a, b = a[:len(out)], b[:len(out)]
	if use >= isaAVX2 {
		vecMulScale(out, a, b, s)
		return
	}
	for i := range out {
		out[i] = float64(a[i]*b[i]) * s
	}
}

// SubSquareTo is
//
//	for i := range out {
//		out[i] = s - float64(a[i]*a[i])
//	}
//
// for len(a) >= len(out): each square rounded, then subtracted.
func SubSquareTo(out []float64, s float64, a []float64) {
	a = a[:len(out)]
	if use >= isaAVX2 {
		vecSubSquare(out, s, a)
		return
	}
	for i := range out {
		out[i] = s - float64(a[i]*a[i])
	}
}

// AddRowTo is
//
//	for i := range out {
//		out[i] = a[i] + row[i%len(row)]
//	}
//
// row added to every row of a, len(row) wide, for len(out) a multiple of
// len(row) > 0 and len(a) >= len(out).
func AddRowTo(out, a, row []float64) {
	a = a[:len(out)]
	if use >= isaAVX2 {
		vecAddRow(out, a, row)
		return
	}
	for i := range out {
		out[i] = a[i] + row[i%len(row)]
	}
}

// AddRowsTo is
//
//	for r := 0; r < len(a)/len(out); r++ {
//		for j := range out {
//			out[j] += a[r*len(out)+j]
//		}
//	}
//
// the sum of the rows of a, len(out) wide, added to out (for len(out) > 0).
// The rows are added in order, so both paths give the same bits.
func AddRowsTo(out, a []float64) {
	rows := len(a) / len(out)
	if use >= isaAVX2 {
		vecAddRows(out, a, rows)
		return
	}
	for r := range rows {
		for j, x := range a[r*len(out) : (r+1)*len(out)] {
			out[j] += x
		}
	}
}

// Axpy is
//
//	for i := range out {
//		out[i] += s * a[i]
//	}
//
// for len(a) >= len(out), with fused multiply-adds in the assembly.
func Axpy(out, a []float64, s float64) {
	a = a[:len(out)]
	switch use {
	case isaAVX512:
		vecAxpy512(out, a, s)
		return
	case isaAVX2:
		vecAxpy(out, a, s)
		return
	}
	for i := range out {
		out[i] += s * a[i]
	}
}

// Dot is
//
//	for i, x := range a {
//		sum += x * b[i]
//	}
//	return sum
//
// for len(b) >= len(a); the assembly keeps partial sums and fuses the
// multiply-adds, so it rounds differently.
func Dot(a, b []float64) (sum float64) {
	b = b[:len(a)]
	switch use {
	case isaAVX512:
		return vecDot512(a, b)
	case isaAVX2:
		return vecDot(a, b)
	}
	for i, x := range a {
		sum += x * b[i]
	}
	return sum
}

// AxpyDot is Axpy(out, a, s) followed by Dot(out, b): it returns
//
//	for i := range out {
//		out[i] += s * a[i]
//		sum += out[i] * b[i]
//	}
//
// for len(a), len(b) >= len(out), the AVX-512 assembly in one pass over
// the three. The sum rounds as Dot's does, in partial sums.
func AxpyDot(out, a []float64, s float64, b []float64) float64 {
	a, b = a[:len(out)], b[:len(out)]
	if use == isaAVX512 {
		return vecAxpyDot512(out, a, s, b)
	}
	Axpy(out, a, s)
	return Dot(out, b)
}
