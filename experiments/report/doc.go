// Package report writes what a run produced: CSV tables, JSON, Markdown and
// PNG plots. Every file is written whole: into a temporary file beside the
// target, then renamed over it, so a crash never leaves half a file.
package report
