//go:build linux

package config

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/lsui/lsui/internal/atomicfile"
)

// versionDoc is the fast writer's version n (as the licensing service or an
// admin's script would save it), with the setting alternating.
func versionDoc(n int) []byte {
	return fmt.Appendf(nil, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<!-- version %d -->\n<Configurations>\n  <UsageBasedBillingScramble>%d</UsageBasedBillingScramble>\n</Configurations>\n", n, n%2)
}

var versionRe = regexp.MustCompile(`<!-- version (\d+) -->`)

func versionOf(t *testing.T, b []byte) int {
	m := versionRe.FindSubmatch(b)
	if m == nil {
		t.Fatalf("file without a version: %q", b)
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}

// TestWriteAgainstFastWriter toggles the setting while another process
// keeps saving the file. No write of the other process may be lost: at the
// end of every round the file holds the writer's last version, or lsui's
// edit of exactly that version (a successful toggle based on it); and when
// lsui's Write succeeded, the .bak holds the version it was based on.
// (Issue 14 item 8: 38 of 82 toggles overwrote a newer write before.)
func TestWriteAgainstFastWriter(t *testing.T) {
	path := filepath.Join(t.TempDir(), "SimpleLicenseServiceConfig.xml")
	seq := 0
	if err := atomicfile.WriteFile(path, versionDoc(seq), 0o644); err != nil {
		t.Fatal(err)
	}
	rounds := 300
	if testing.Short() {
		rounds = 60
	}
	var wrote, refused int
	for round := range rounds {
		burst := round % 4 // 0: no other write this round; the toggle must go through
		var wg sync.WaitGroup
		c, err := Read(path)
		if err != nil {
			t.Fatal(err)
		}
		based := bytes.Clone(c.Raw)
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Sometimes before the toggle reads the file on disk again,
			// sometimes during its write, sometimes after it.
			time.Sleep(time.Duration(round%40) * 25 * time.Microsecond)
			for range burst {
				runtime.Gosched()
				seq++
				if err := atomicfile.WriteFile(path, versionDoc(seq), 0o644); err != nil {
					t.Error(err)
					return
				}
			}
		}()
		for range round % 3 {
			runtime.Gosched()
		}
		werr := c.Write(!c.Scramble)
		wg.Wait()
		final, _ := os.ReadFile(path)
		last := versionDoc(seq)
		switch {
		case werr == nil:
			wrote++
			edited, _ := (&Config{}).editOf(t, based)
			if !bytes.Equal(final, last) && !(versionOf(t, based) == seq && bytes.Equal(final, edited)) {
				t.Fatalf("round %d: the writer's version %d was lost: the file holds version %d (lsui's edit of it)", round, seq, versionOf(t, final))
			}
			if bak, _ := os.ReadFile(path + ".bak"); !bytes.Equal(bak, based) {
				t.Fatalf("round %d: .bak holds version %d, the edit was based on version %d", round, versionOf(t, bak), versionOf(t, based))
			}
		case errors.Is(werr, ErrChanged):
			refused++
			if !bytes.Equal(final, last) {
				t.Fatalf("round %d: refused, yet the file holds version %d, not the writer's last %d", round, versionOf(t, final), seq)
			}
		default:
			t.Fatalf("round %d: %v", round, werr)
		}
		if burst == 0 && werr != nil {
			t.Fatalf("round %d: no other write, yet %v", round, werr)
		}
	}

	t.Logf("%d rounds: %d toggles written, %d refused as changed on disk", rounds, wrote, refused)
}

// editOf is the toggle lsui makes of the bytes b.
func (*Config) editOf(t *testing.T, b []byte) ([]byte, error) {
	c, err := parse("x.xml", b)
	if err != nil {
		t.Fatal(err)
	}
	return c.Edit(!c.Scramble)
}
