package main

import (
	"fmt"
	"io"
	"time"

	"github.com/schollz/progressbar/v3"
)

// newProgress returns the per-epoch callback of a training run of total
// epochs (0 when not known: marching): a progress bar (a spinner) on stderr
// when that is a terminal, and nothing when it is not, so that piped or
// redirected output holds the report alone.
func newProgress(stderr io.Writer, label string, total int) (update func(epoch int, loss float64) error, finish func()) {
	if !isTerminal(stderr) {
		return nil, func() {}
	}
	if total == 0 {
		total = -1 // progressbar's spinner
	}
	bar := progressbar.NewOptions(total,
		progressbar.OptionSetWriter(stderr),
		progressbar.OptionSetDescription(label),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("epochs"),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)
	every := max(total/200, 1)
	return func(epoch int, loss float64) error {
		if epoch%every == 0 || epoch == total {
			bar.Describe(fmt.Sprintf("%s  loss %.3e", label, loss))
			bar.Set(epoch)
		}
		return nil
	}, func() { bar.Finish() }
}
