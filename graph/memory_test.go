package graph

import (
	"math"
	"testing"

	"pinn/problems"
)

// TestMinimumMemory counts a 1-8-8-1 network's parameters, (1+1)8 + (8+1)8
// + (8+1)1 = 97, eight times over, at 8 bytes each.
func TestMinimumMemory(t *testing.T) {
	if got := MinimumMemory(Architecture{Hidden: []int{8, 8}}, 1); got != 8*8*97 {
		t.Errorf("MinimumMemory = %v, want %v", got, 8*8*97)
	}
}

// TestEstimateMemoryExtrapolates compares the estimate measured at 2176
// points, the most it measures directly, with the one extrapolated from
// 2048 and 2176 to 2177 points: one point apart, they must agree to 1%
// (a point adds well under a hundredth of the total), for each executor
// and derivative mode; and the estimate must grow with the points.
func TestEstimateMemoryExtrapolates(t *testing.T) {
	p, err := problems.Builtin("forum-final")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range Executors() {
		for _, d := range Derivatives() {
			cfg := Config{Executor: e, Derivative: d}
			at := func(n int) float64 {
				b, err := EstimateMemory(p, cfg, Options{Points: n, Epochs: 10})
				if err != nil {
					t.Fatal(err)
				}
				return b
			}
			measured, extrapolated, far := at(2176), at(2177), at(100000)
			if math.Abs(extrapolated-measured) > 0.01*measured || !(far > 10*measured) {
				t.Errorf("%s, %s: %.0f bytes at 2176 points, %.0f at 2177, %.0f at 100000", e, d, measured, extrapolated, far)
			}
		}
	}
}
