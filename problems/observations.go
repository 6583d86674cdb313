package problems

// Observations are measured values of the state variables, the data of an
// inverse problem.
type Observations struct {
	// T holds the observation times.
	T []float64
	// Y[i][k] is variable i at T[k].
	Y [][]float64
}
