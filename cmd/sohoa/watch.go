package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// cmdWatch uploads scans that appear in a folder (a scanning station's
// output), one batch per group of files that settled together.
func cmdWatch(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flagSet("watch", "sohoa watch [flags] DIR: theo dõi thư mục máy quét và tải tệp mới lên / upload scans as they appear in DIR.\n"+
		"A file is sent once its size has not changed for --settle. After the server accepts it, it is deleted\n"+
		"(the encrypted copy in sohoa is the record), or moved to --keep DIR if given. Hidden files and *.part,\n"+
		"*.tmp, *.crdownload are ignored while a scanner writes them.", stderr)
	server, token := clientFlags(fs)
	every := fs.Duration("every", 2*time.Second, "how often to look")
	settle := fs.Duration("settle", 3*time.Second, "how long a file must stay unchanged")
	keep := fs.String("keep", "", "move uploaded files here instead of deleting them")
	pipeline := fs.String("pipeline", "", "pipeline name (default: automatic)")
	fonds := fs.String("fonds", "", "fonds / archive code")
	dossier := fs.String("dossier", "", "dossier code")
	if err := parse(fs, args, 1, 1); err != nil {
		return err
	}
	dir := fs.Arg(0)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return fmt.Errorf("watch: %s is not a folder", dir)
	}
	if *keep != "" {
		if err := os.MkdirAll(*keep, 0o700); err != nil {
			return err
		}
	}
	c := newClient(*server, *token)
	type seen struct {
		size  int64
		mtime time.Time
		since time.Time
	}
	state := map[string]seen{}
	fmt.Fprintf(stderr, "Đang theo dõi / watching %s (Ctrl-C to stop)\n", dir)
	for {
		entries, err := os.ReadDir(dir)
		if err != nil {
			return fmt.Errorf("watch: %w", err)
		}
		now := time.Now()
		var ready []string
		present := map[string]bool{}
		for _, e := range entries {
			name := e.Name()
			if e.IsDir() || ignoredScanName(name) {
				continue
			}
			info, err := e.Info()
			if err != nil {
				continue
			}
			present[name] = true
			s, ok := state[name]
			if !ok || s.size != info.Size() || !s.mtime.Equal(info.ModTime()) {
				state[name] = seen{size: info.Size(), mtime: info.ModTime(), since: now}
				continue
			}
			if now.Sub(s.since) >= *settle {
				ready = append(ready, filepath.Join(dir, name))
			}
		}
		for name := range state {
			if !present[name] {
				delete(state, name)
			}
		}
		if len(ready) > 0 {
			sort.Strings(ready)
			res, err := c.Upload(ctx, ready, map[string]string{"pipeline": *pipeline, "fonds": *fonds, "dossier": *dossier}, nil)
			if err != nil {
				// Leave the files for the next round: nothing is lost.
				fmt.Fprintf(stderr, "watch: upload of %d files failed, will retry: %v\n", len(ready), err)
			} else {
				fmt.Fprintf(stdout, "batch %s: %d files, %d documents, %d rejected\n", res.ID, res.Files, res.Documents, res.Rejected)
				for _, f := range ready {
					var err error
					if *keep != "" {
						err = os.Rename(f, filepath.Join(*keep, filepath.Base(f)))
					} else {
						err = os.Remove(f)
					}
					if err != nil {
						fmt.Fprintf(stderr, "watch: %v\n", err)
					}
					delete(state, filepath.Base(f))
				}
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(*every):
		}
	}
}

// ignoredScanName reports files a scanner is still writing or that are not scans.
func ignoredScanName(name string) bool {
	lower := strings.ToLower(name)
	return strings.HasPrefix(name, ".") || strings.HasPrefix(name, "~") ||
		strings.HasSuffix(lower, ".part") || strings.HasSuffix(lower, ".tmp") || strings.HasSuffix(lower, ".crdownload")
}
