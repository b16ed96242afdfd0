//go:build linux

package payload

import (
	"archive/zip"
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The hostile-memory harness (issue 14, item 3): each zip built to cost
// memory, inspected by the lsui binary (lsui payload inspect, and lsui
// receive taking that one upload) as a child process whose peak RSS
// (VmHWM) is read; then lsui receive under 50 concurrent
// uploads of those zips on loopback. It builds lsui, writes about 60 MB
// of zips to a temporary folder and takes a few minutes on a loaded
// machine, so it runs only when asked:
//
//	LSUI_HOSTILE_MEMORY=1 go test ./internal/payload -run TestHostileMemory -v -timeout 30m
//
// Budgets: one inspection under 100 MB, the receiver under 300 MB.
// docs/reliability.md and BENCHMARKS.md carry the figures.

const (
	inspectBudgetMB  = 100
	receiverBudgetMB = 300
	hostileClients   = 50
)

// memoryCase is a zip under the receiver's size cap built to cost memory.
type memoryCase struct {
	name  string
	write func(t *testing.T, w io.Writer) // the zip
}

func memoryCases() []memoryCase {
	return []memoryCase{
		// The case: one 250 MiB string in usage.json, at a
		// compression ratio under the cap so that it is read.
		{"250 MiB string in usage.json", func(t *testing.T, w io.Writer) {
			streamedPayload(t, w, UsageName, func(out io.Writer) {
				io.WriteString(out, `{"month":"2026-11","x":"`)
				lowEntropy(out, 250<<20)
				io.WriteString(out, `"}`)
			})
		}},
		// 1.3 million plain identities, each naming a new feature, in a
		// payload that says scrambled: the decoder streams, the feature
		// sets stop at their cap.
		{"1.3M identities, a feature each", func(t *testing.T, w io.Writer) {
			streamedPayloadAnon(t, w, UsageName, true, func(out io.Writer) {
				bw := bufio.NewWriter(out)
				bw.WriteString(`{"features":[],"identities":[`)
				for i := range 1_300_000 {
					if i > 0 {
						bw.WriteByte(',')
					}
					fmt.Fprintf(bw, `{"name":"u%07d@corp.example","kind":"user","features":["F%07d"],"first_seen":"2026-11-02T08:00:00Z","last_seen":"2026-11-02T09:00:00Z"}`, i, i)
				}
				bw.WriteString("]}")
				bw.Flush()
			})
		}},
		// 200 MiB of arrays nested 31 deep, over and over (in a payload
		// that says scrambled and is not, to be rejected once read).
		{"200 MiB of deep nesting", func(t *testing.T, w io.Writer) {
			streamedPayloadAnon(t, w, InventoryName, true, func(out io.Writer) {
				bw := bufio.NewWriter(out)
				bw.WriteString(`{"x":[`)
				r := rand.New(rand.NewPCG(2, 7))
				open, shut := strings.Repeat("[", 30), strings.Repeat("]", 30)
				for n := 0; n < 200<<20; n += 70 {
					if n > 0 {
						bw.WriteByte(',')
					}
					// A random number inside keeps the ratio under the cap.
					fmt.Fprintf(bw, "%s%d%s", open, 1e7+r.IntN(9e7), shut)
				}
				bw.WriteString("]}")
				bw.Flush()
			})
		}},
		// 7,500 entries with 1,000-byte hostile names: a central
		// directory just under its 8 MiB cap, and a problem per entry.
		{"7,500 entries, 1,000-byte names", func(t *testing.T, w io.Writer) {
			zw := zip.NewWriter(w)
			for i := range 7_500 {
				name := fmt.Sprintf("licenses/\x1b[2J%05d", i) + strings.Repeat("n", 1000-16)
				if _, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store}); err != nil {
					t.Fatal(err)
				}
			}
			zw.Close()
		}},
		// A manifest just under its 8 MiB cap listing 50,000 files the
		// zip does not hold.
		{"8 MiB manifest of 50,000 files", func(t *testing.T, w io.Writer) {
			files := validFiles(false)
			m := manifestFor(files, false)
			for i := range 50_000 {
				m.Files = append(m.Files, ManifestFile{Name: fmt.Sprintf("licenses/%05d-", i) + strings.Repeat("m", 50), Size: 1,
					SHA256: strings.Repeat("0", 64)})
			}
			data, _ := json.Marshal(m)
			if len(data) > maxManifest {
				t.Fatalf("manifest of %d bytes is over the cap", len(data))
			}
			zw := zip.NewWriter(w)
			for _, f := range append(files, zfile{name: ManifestName, data: data}) {
				fw, _ := zw.Create(f.name)
				fw.Write(f.data)
			}
			zw.Close()
		}},
		// 1,100 JSON entries of 60 KiB (under the ratio floor, so each
		// deflates to a few hundred bytes): 64 MiB of documents that the
		// Citrix reader would keep to recognise them.
		{"1,100 JSON documents of 60 KiB", func(t *testing.T, w io.Writer) {
			zw := zip.NewWriter(w)
			body := []byte(`{"x":"` + strings.Repeat("a", 60<<10) + `"}`)
			for i := range 1_100 {
				fw, _ := zw.Create(fmt.Sprintf("doc%04d.json", i))
				fw.Write(body)
			}
			zw.Close()
		}},
		// 20,000 small deflated entries (the entry cap), all read.
		{"20,000 entries, all read", func(t *testing.T, w io.Writer) {
			zw := zip.NewWriter(w)
			body := bytes.Repeat([]byte("INCREMENT XDT_PLT_UD CITRIX 2025.0630 permanent 500\r\n"), 40)
			for i := range 20_000 {
				fw, _ := zw.Create(fmt.Sprintf("licenses/f%05d.lic", i))
				fw.Write(body)
			}
			zw.Close()
		}},
	}
}

// lowEntropy writes n bytes that deflate about 20:1, under the ratio
// cap: a run of one letter with a random one every 64 bytes.
func lowEntropy(w io.Writer, n int) {
	r := rand.New(rand.NewPCG(3, 14))
	block := make([]byte, 64<<10)
	for n > 0 {
		for i := range block {
			block[i] = 'a'
			if i%64 == 0 {
				block[i] = 'a' + byte(r.IntN(26))
			}
		}
		k := min(n, len(block))
		w.Write(block[:k])
		n -= k
	}
}

// streamedPayload writes a payload whose entry name is generated by gen
// straight into the zip (never whole in memory), listed in the manifest
// with its real size and hash, so that nothing but its content is wrong.
func streamedPayload(t *testing.T, w io.Writer, name string, gen func(io.Writer)) {
	streamedPayloadAnon(t, w, name, false, gen)
}

// streamedPayloadAnon is streamedPayload with the manifest saying
// whether anonymization was on.
func streamedPayloadAnon(t *testing.T, w io.Writer, name string, scrambled bool, gen func(io.Writer)) {
	files := validFiles(false)
	zw := zip.NewWriter(w)
	var kept []zfile
	for _, f := range files {
		if f.name == name {
			continue
		}
		kept = append(kept, f)
		fw, _ := zw.Create(f.name)
		fw.Write(f.data)
	}
	m := manifestFor(kept, scrambled)
	fw, err := zw.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	c := &countWriter{}
	gen(io.MultiWriter(fw, h, c))
	m.Files = append(m.Files, ManifestFile{Name: name, Size: c.n, SHA256: hex.EncodeToString(h.Sum(nil))})
	data, _ := json.Marshal(m)
	fw, _ = zw.Create(ManifestName)
	fw.Write(data)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
}

type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// lsuiBinary builds cmd/lsui into dir: the figures are the product's.
func lsuiBinary(t *testing.T, dir string) string {
	bin := filepath.Join(dir, "lsui")
	cmd := exec.Command("go", "build", "-o", bin, "github.com/lsui/lsui/cmd/lsui")
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("building lsui: %v", err)
	}
	return bin
}

// A child's own ru_maxrss cannot be used: Go starts children with
// CLONE_VM, and Linux counts the parent's resident memory at exec into
// the child's peak. /proc/PID/status's VmHWM is the exec'd process's own;
// for a command that exits at once, GNU time (which forks a clean child)
// reports it.

// vmHWM is a running process's peak resident memory in MB.
func vmHWM(pid int) float64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 64)
			return kb / 1024
		}
	}
	return -1
}

// inspectPeak runs lsui payload inspect on path under GNU time, with env
// added, and returns its peak RSS and verdict.
func inspectPeak(t *testing.T, bin, path string, env ...string) (float64, string) {
	timeBin, err := exec.LookPath("/usr/bin/time")
	if err != nil {
		t.Skip("GNU time (/usr/bin/time) is needed to read a short child's peak RSS")
	}
	report := filepath.Join(t.TempDir(), "time")
	cmd := exec.Command(timeBin, "-f", "%M", "-o", report, bin, "payload", "inspect", path)
	cmd.Env = append(os.Environ(), env...)
	out, _ := cmd.Output() // exit 1 for a rejected zip
	verdict, _, _ := strings.Cut(string(out), "\n")
	data, _ := os.ReadFile(report)
	fields := strings.Fields(string(data))
	if len(fields) == 0 {
		t.Fatalf("no figure from time: %q", data)
	}
	kb, _ := strconv.ParseFloat(fields[len(fields)-1], 64)
	return kb / 1024, verdict
}

// receiverPeak runs lsui receive on loopback, lets post send to it, stops
// it with SIGTERM and returns its peak RSS.
func receiverPeak(t *testing.T, bin, store string, post func(url string)) float64 {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Skip("no loopback:", err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, "receive", "--dir", store, "--listen", addr)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	up := false
	for range 400 { // up to 20 s for it to listen
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			up = true
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !up {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("lsui receive did not listen: %s", stderr.String())
	}
	post("http://" + addr + "/")
	peak := vmHWM(cmd.Process.Pid)
	cmd.Process.Signal(syscall.SIGTERM)
	cmd.Wait()
	return peak
}

// upload posts the zip at path and returns the status (-1: no answer).
func upload(client *http.Client, url, path string) int {
	f, err := os.Open(path)
	if err != nil {
		return -1
	}
	defer f.Close()
	resp, err := client.Post(url, "application/zip", f)
	if err != nil {
		return -1
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

func TestHostileMemory(t *testing.T) {
	if os.Getenv("LSUI_HOSTILE_MEMORY") == "" {
		t.Skip("set LSUI_HOSTILE_MEMORY=1 to run the hostile-memory harness (minutes, ~60 MB of temporary zips)")
	}
	dir := t.TempDir()
	bin := lsuiBinary(t, dir)
	var paths []string
	for _, c := range memoryCases() {
		p := filepath.Join(dir, fmt.Sprintf("case%d.zip", len(paths)))
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		bw := bufio.NewWriterSize(f, 1<<20)
		c.write(t, bw)
		bw.Flush()
		f.Close()
		st, _ := os.Stat(p)
		if st.Size() > DefaultMaxReceive {
			t.Fatalf("%s: %d bytes, over the receiver's cap", c.name, st.Size())
		}
		paths = append(paths, p)
	}
	client := &http.Client{Timeout: 10 * time.Minute}
	idle := receiverPeak(t, bin, t.TempDir(), func(string) {})
	t.Logf("lsui receive, idle: peak RSS %.0f MB", idle)

	// lsui runs under the runtime's default collector setting (GOGC=100);
	// an explicit GOGC=100 is measured too, so that a setting the
	// environment brings in shows beside it. Both are shown beside the
	// receiver's figure, which the budget is held on.
	t.Log("| zip | size | `lsui receive` taking it | `lsui payload inspect`, GOGC=100 | `lsui payload inspect`, default | answer | verdict |")
	for i, c := range memoryCases() {
		st, _ := os.Stat(paths[i])
		peak, verdict := inspectPeak(t, bin, paths[i], "GOGC=100")
		deferred, _ := inspectPeak(t, bin, paths[i])
		code := 0
		recv := receiverPeak(t, bin, t.TempDir(), func(url string) { code = upload(client, url, paths[i]) })
		t.Logf("| %s | %.1f MB | %.0f MB | %.0f MB | %.0f MB | %d | %s |", c.name, float64(st.Size())/1e6, recv, peak, deferred, code, trimVerdict(verdict))
		// The budget is Inspect's, as the receiver runs it on untrusted
		// uploads; the command adds its own formatting of every entry.
		if recv >= inspectBudgetMB {
			t.Errorf("%s: lsui receive's peak RSS %.0f MB, over the %d MB budget", c.name, recv, inspectBudgetMB)
		}
		// The receiver stores lsui payloads only; the command may read a
		// zip with no lsui manifest as another format (UNKNOWN, CITRIX).
		if strings.HasPrefix(verdict, "LSUI") || strings.HasPrefix(verdict, "OK") || code != http.StatusUnprocessableEntity {
			t.Errorf("%s: %q, answered %d; want it refused and 422", c.name, verdict, code)
		}
	}

	// The receiver under 50 concurrent hostile uploads, each client
	// posting once per round for 3 rounds, whatever it is answered.
	var (
		mu       sync.Mutex
		statuses = map[int]int{}
		took     time.Duration
	)
	peak := receiverPeak(t, bin, t.TempDir(), func(url string) {
		start := time.Now()
		var wg sync.WaitGroup
		for k := range hostileClients {
			wg.Go(func() {
				for round := range 3 {
					code := upload(client, url, paths[(k+round)%len(paths)])
					mu.Lock()
					statuses[code]++
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		took = time.Since(start)
	})
	var codes []string
	for code, n := range statuses {
		codes = append(codes, fmt.Sprintf("%d×%d", n, code))
	}
	sort.Strings(codes)
	t.Logf("lsui receive: %d clients × 3 uploads in %s: answers %s; peak RSS %.0f MB",
		hostileClients, took.Round(time.Second), strings.Join(codes, ", "), peak)
	if peak >= receiverBudgetMB {
		t.Errorf("receiver peak RSS %.0f MB, over the %d MB budget", peak, receiverBudgetMB)
	}
	if statuses[http.StatusCreated] > 0 || statuses[http.StatusOK] > 0 {
		t.Errorf("a hostile upload was stored: %v", statuses)
	}
}

func trimVerdict(v string) string {
	if len(v) > 90 {
		return v[:90] + "…"
	}
	return v
}
