package main

import (
	"fmt"
	"io"
	"time"

	"github.com/schollz/progressbar/v3"
)

// newProgress returns the per-epoch callback of a training run of total
// epochs: a progress bar on stderr when that is a terminal; otherwise, when
// lines is set, a line on stdout every tenth of the run; else nothing.
func newProgress(stdout, stderr io.Writer, label string, total int, lines bool) (update func(epoch int, loss float64) error, finish func()) {
	if isTerminal(stderr) {
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
	if !lines {
		return nil, func() {}
	}
	every := max(total/10, 1)
	return func(epoch int, loss float64) error {
		if epoch%every == 0 || epoch == total {
			fmt.Fprintf(stdout, "%s  epoch %*d/%d  loss %.4e\n", label, len(fmt.Sprint(total)), epoch, total, loss)
		}
		return nil
	}, func() {}
}
