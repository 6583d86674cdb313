// Package experiments runs named, table-driven studies of physics-informed
// networks (reproducing the forum thread, comparing derivative modes) and
// writes what they find: CSV tables, JSON, Markdown and plots.
package experiments
