package experiments

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// The keys of the numbers measured on every seed. JSON, CSV and tables use
// them; checkpoints add loss_at_N and rel_l2_at_N.
const (
	keyInitialLoss   = "initial_loss"
	keyFinalLoss     = "final_loss"
	keyRelL2         = "rel_l2"
	keyMaxAbsErr     = "max_abs_err"
	keyMaxAbsDeriv   = "max_abs_deriv_err"
	keyMaxAbsOutput  = "max_abs_output"
	keyYAtT0         = "y_at_t0"
	keyZeroGradInit  = "zero_grad_init"
	keyZeroGradFinal = "zero_grad_final"
	keyDeadInit      = "dead_units_init"
	keyDeadFinal     = "dead_units_final"
	keySchemeRelL2   = "rel_l2_scheme"
)

// metricInfo is how a metric is shown: a short column label and a sentence.
type metricInfo struct{ label, meaning string }

var metricInfos = map[string]metricInfo{
	keyInitialLoss:   {"loss@0", "the loss at the initial weights"},
	keyFinalLoss:     {"loss", "the loss after the last epoch"},
	keyRelL2:         {"rel_l2", "||y - exact||_2 / ||exact||_2 over the collocation points"},
	keyMaxAbsErr:     {"max|y-exact|", "largest |y - exact| over the collocation points"},
	keyMaxAbsDeriv:   {"max|dy-exact|", "largest |dy/dt - exact dy/dt| over the collocation points (symbolic dy/dt of the network)"},
	keyMaxAbsOutput:  {"max|y|", "largest |network output| over the collocation points"},
	keyYAtT0:         {"y(t0)", "the network's output at the initial time"},
	keyZeroGradInit:  {"zero-grad@0", "fraction of parameter gradients exactly 0 at the initial weights"},
	keyZeroGradFinal: {"zero-grad", "fraction of parameter gradients exactly 0 after training"},
	keyDeadInit:      {"dead@0", "fraction of hidden units that are 0 at every collocation point, initially"},
	keyDeadFinal:     {"dead", "fraction of hidden units that are 0 at every collocation point, after training"},
	keySchemeRelL2:   {"rel_l2 scheme", "||y - scheme|| / ||scheme|| on the grid, scheme = the finite-difference solution the loss is zero on"},
}

func checkpointLoss(epoch int) string  { return fmt.Sprintf("loss_at_%d", epoch) }
func checkpointRelL2(epoch int) string { return fmt.Sprintf("rel_l2_at_%d", epoch) }

// label returns the column label of a metric key.
func label(key string) string {
	if m, ok := metricInfos[key]; ok {
		return m.label
	}
	for _, prefix := range []string{"loss_at_", "rel_l2_at_"} {
		if n, ok := strings.CutPrefix(key, prefix); ok {
			return strings.TrimSuffix(prefix, "_at_") + "@" + n
		}
	}
	return key
}

// meaning returns the sentence that explains a metric key.
func meaning(key string) string {
	if m, ok := metricInfos[key]; ok {
		return m.meaning
	}
	if n, ok := strings.CutPrefix(key, "loss_at_"); ok {
		return "the loss after " + n + " epochs"
	}
	if n, ok := strings.CutPrefix(key, "rel_l2_at_"); ok {
		return "rel_l2 after " + n + " epochs"
	}
	return ""
}

// Metric is one named number measured on a run.
type Metric struct {
	Key   string
	Value float64
}

// Stat summarises one metric over the seeds: the smallest, median and
// largest finite value (NaN when none is finite).
type Stat struct {
	Key              string
	Min, Median, Max float64
}

func summarise(key string, values []float64) Stat {
	var finite []float64
	for _, v := range values {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			finite = append(finite, v)
		}
	}
	if len(finite) == 0 {
		return Stat{Key: key, Min: math.NaN(), Median: math.NaN(), Max: math.NaN()}
	}
	slices.Sort(finite)
	n := len(finite)
	med := finite[n/2]
	if n%2 == 0 {
		med = (finite[n/2-1] + finite[n/2]) / 2
	}
	return Stat{Key: key, Min: finite[0], Median: med, Max: finite[n-1]}
}

// num formats a measured number for tables: four significant digits.
func num(v float64) string {
	if math.IsNaN(v) {
		return "-"
	}
	if v == 0 {
		v = 0 // -0 (a relu of a negative number) prints as 0
	}
	return strconv.FormatFloat(v, 'g', 4, 64)
}
