package main

import (
	"fmt"
	"io"
	"time"

	"github.com/schollz/progressbar/v3"
)

// marchLines is how many L-BFGS iterations of a marched run go between two
// progress lines: its length is not known in advance.
const marchLines = 2000

// newProgress returns the per-epoch callback of a training run of total
// epochs (0 when not known: marching): a progress bar (a spinner) on stderr
// when that is a terminal; otherwise, when lines is set, a line on stdout
// every tenth of the run (every marchLines iterations); else nothing.
func newProgress(stdout, stderr io.Writer, label string, total int, lines bool) (update func(epoch int, loss float64) error, finish func()) {
	if total == 0 {
		total = -1 // progressbar's spinner
	}
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
	if total < 0 {
		return func(epoch int, loss float64) error {
			if epoch%marchLines == 0 {
				fmt.Fprintf(stdout, "%s  iteration %d  loss %.4e\n", label, epoch, loss)
			}
			return nil
		}, func() {}
	}
	every := max(total/10, 1)
	return func(epoch int, loss float64) error {
		if epoch%every == 0 || epoch == total {
			fmt.Fprintf(stdout, "%s  epoch %*d/%d  loss %.4e\n", label, len(fmt.Sprint(total)), epoch, total, loss)
		}
		return nil
	}, func() {}
}
