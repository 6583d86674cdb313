package problems

import "math/bits"

// joeKuo holds, for dimensions 2 to 9 of the Sobol sequence, the
// coefficients a of the primitive polynomial (its degree s is len(m)) and
// the initial direction numbers m_1 ... m_s, from Joe and Kuo's table
// new-joe-kuo-6.21201 (S. Joe and F. Y. Kuo, "Constructing Sobol sequences
// with better two-dimensional projections", SIAM J. Sci. Comput. 30, 2008).
// Dimension 1 needs none: it is the van der Corput sequence. Nine
// dimensions serve t and MaxRanges range parameters.
var joeKuo = [...]struct {
	a uint64
	m []uint64
}{
	{0, []uint64{1}},
	{1, []uint64{1, 3}},
	{1, []uint64{1, 3, 1}},
	{2, []uint64{1, 1, 1}},
	{1, []uint64{1, 1, 3, 3}},
	{4, []uint64{1, 3, 5, 13}},
	{2, []uint64{1, 1, 5, 5, 17}},
	{4, []uint64{1, 1, 5, 5, 5}},
}

// sobol generates points of the Sobol sequence in its dimensions. Point i
// (i = 0, 1, ...) is, in each dimension, the XOR of the direction numbers
// v_k of the bits k set in i,
//
//	x_i = b_1 v_1 ^ b_2 v_2 ^ ...,   i = sum_k b_k 2^(k-1),
//
// with v_k = m_k / 2^k, and for k > s Bratley and Fox's recurrence
//
//	v_k = a_1 v_(k-1) ^ ... ^ a_(s-1) v_(k-s+1) ^ v_(k-s) ^ v_(k-s) / 2^s,
//
// a_j the binary digits of a, a_1 the highest. Direction numbers are kept
// as 64-bit fractions, so points have 53 significant bits like a float64.
// In dimension 1, m_k = 1 and x_i is the van der Corput point of i.
type sobol struct {
	v [][64]uint64 // v[d][k-1] = v_k of dimension d+1, binary point before bit 63
}

// newSobol returns the generator of the first dims dimensions, 1 <= dims
// <= 1 + len(joeKuo).
func newSobol(dims int) *sobol {
	s := &sobol{v: make([][64]uint64, dims)}
	for k := range 64 {
		s.v[0][k] = 1 << (63 - k)
	}
	for d := 1; d < dims; d++ {
		a, m := joeKuo[d-1].a, joeKuo[d-1].m
		deg := len(m)
		v := &s.v[d]
		for k := range deg {
			v[k] = m[k] << (63 - k)
		}
		for k := deg; k < 64; k++ {
			v[k] = v[k-deg] ^ v[k-deg]>>deg
			for j := 1; j < deg; j++ {
				v[k] ^= (a >> (deg - 1 - j) & 1) * v[k-j]
			}
		}
	}
	return s
}

// point writes point i of the sequence, in [0, 1) per dimension, to dst.
func (s *sobol) point(i uint64, dst []float64) {
	for d := range s.v {
		var x uint64
		for b := i; b != 0; b &= b - 1 {
			x ^= s.v[d][bits.TrailingZeros64(b)]
		}
		dst[d] = float64(x>>11) / (1 << 53)
	}
}
