package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/sohoa/sohoa/internal/corpus"
)

func main() {
	if err := run(os.Args[1:], os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "sohoa-corpus:", err)
		os.Exit(2)
	}
}

// run parses args, generates the corpus and writes it.
func run(args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("sohoa-corpus", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "", "output directory (required)")
	seed := fs.Int64("seed", 1, "corpus seed")
	n := fs.Int("n", 10, "number of documents")
	pages := fs.String("pages", "1,3", `pages per document, "N" or "MIN,MAX"`)
	classes := fs.String("classes", "", "comma-separated classes (default all): "+strings.Join(corpus.Classes(), ", "))
	degrade := fs.String("degrade", corpus.DegradeNone, "degradation: none, light or heavy")
	dpi := fs.Int("dpi", 300, "resolution in dots per inch")
	formats := fs.String("formats", "pdf", "comma-separated formats: pdf, tiff, png, jpeg")
	secret := fs.Float64("secret", 0, "share of documents with a secrecy stamp")
	rotate := fs.Float64("rotate", 0, "share of degraded pages turned by 90/180/270 degrees")
	skew := fs.Float64("max-skew", 3, "largest skew in degrees (heavy; light uses half)")
	color := fs.Bool("color", false, "RGB pages with red stamps")
	fonts := fs.String("fonts", "", "comma-separated font families (default all installed): "+strings.Join(corpus.FontFamilies(), ", "))
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: sohoa-corpus -out DIR [flags]\n\nWrites generated Vietnamese records with ground truth.\n\nFlags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" {
		fs.Usage()
		return fmt.Errorf("-out is required")
	}
	ppd, err := parsePages(*pages)
	if err != nil {
		return err
	}
	opts := corpus.Options{
		Seed: *seed, Documents: *n, PagesPerDoc: ppd, Classes: split(*classes), DPI: *dpi,
		Degrade: *degrade, SecretRatio: *secret, RotateRatio: *rotate, MaxSkewDeg: *skew,
		Color: *color, Fonts: split(*fonts),
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	start := time.Now()
	var index []corpus.IndexEntry
	nDocs, nPages := 0, 0
	err = corpus.Stream(opts, func(d corpus.Document) error {
		entries, err := corpus.WriteDocument(*out, d, split(*formats))
		if err != nil {
			return err
		}
		index = append(index, entries...)
		nDocs++
		nPages += len(d.Pages)
		return nil
	})
	if err != nil {
		return err
	}
	if err := corpus.WriteIndex(*out, index); err != nil {
		return err
	}
	log.Info("corpus written", "dir", *out, "documents", nDocs, "pages", nPages, "seconds", time.Since(start).Seconds())
	return nil
}

func split(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func parsePages(s string) ([2]int, error) {
	parts := split(s)
	if len(parts) == 0 || len(parts) > 2 {
		return [2]int{}, fmt.Errorf("-pages %q: want N or MIN,MAX", s)
	}
	var r [2]int
	for i, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil || v < 1 {
			return [2]int{}, fmt.Errorf("-pages %q: %q is not a positive number", s, p)
		}
		r[i] = v
	}
	if len(parts) == 1 {
		r[1] = r[0]
	}
	if r[1] < r[0] {
		return [2]int{}, fmt.Errorf("-pages %q: max below min", s)
	}
	return r, nil
}
