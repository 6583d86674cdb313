package report

import (
	"math"
	"strconv"
)

// Number is a float64 that JSON-encodes NaN and infinities as null (which
// encoding/json refuses), so a report of a failed run can still be written.
type Number float64

// MarshalJSON implements json.Marshaler.
func (n Number) MarshalJSON() ([]byte, error) {
	f := float64(n)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, f, 'g', -1, 64), nil
}
