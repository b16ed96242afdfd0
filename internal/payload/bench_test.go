package payload

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lsui/lsui/internal/model/usage"
	"github.com/lsui/lsui/internal/scramble"
)

// syntheticUsage is a month with n distinct identities over three features,
// one in twenty a device.
func syntheticUsage(n int) *usage.Report {
	m := usage.MonthOf(fixtureNow, time.UTC)
	features := []string{"MPS_ADV_CCU", "XDS_PLT_UD", "XDT_PLT_UD"}
	r := &usage.Report{Month: m, Identities: make([]usage.Identity, 0, n)}
	counts := make([]usage.FeatureCount, len(features))
	for i, f := range features {
		counts[i].Feature = f
	}
	for i := 0; i < n; i++ {
		id := usage.Identity{
			Name:      fmt.Sprintf("user%06d@corp.example", i),
			Features:  []string{features[i%3]},
			FirstSeen: m.Start.Add(time.Duration(i%(24*28)) * time.Hour),
		}
		id.LastSeen = id.FirstSeen.Add(90 * time.Minute)
		if i%20 == 0 {
			id.Kind = usage.Device
			id.Name = fmt.Sprintf("KIOSK-%06d", i)
			counts[i%3].Devices++
		} else {
			counts[i%3].Users++
		}
		r.Identities = append(r.Identities, id)
	}
	r.Features = counts
	for d := 0; d < m.Days(); d++ {
		r.Days = append(r.Days, usage.Day{Date: m.Start.AddDate(0, 0, d), Users: n / 30})
	}
	return r
}

// heapPeak samples the live heap while a build runs. ReadMemStats stops
// the world briefly, which is fine in a benchmark that reports memory.
type heapPeak struct {
	peak atomic.Uint64
	stop chan struct{}
	wg   sync.WaitGroup
}

func startHeapPeak() *heapPeak {
	h := &heapPeak{stop: make(chan struct{})}
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		var ms runtime.MemStats
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > h.peak.Load() {
				h.peak.Store(ms.HeapAlloc)
			}
			select {
			case <-h.stop:
				return
			case <-tick.C:
			}
		}
	}()
	return h
}

func (h *heapPeak) done() uint64 {
	close(h.stop)
	h.wg.Wait()
	return h.peak.Load()
}

// BenchmarkBuild builds a scrambled payload for 10k and 100k identities.
// It reports the heap in use before the build (the snapshot with its
// identities, which the build does not copy) and the peak during it. What
// building adds (build-heap-MiB) stays flat from 10k to 100k identities:
// usage.json is streamed into the zip, never held whole.
func BenchmarkBuild(b *testing.B) {
	root := copyFixture(b)
	setScramble(b, root, true)
	key, _, err := scramble.EnsureKey(filepath.Join(root, "WebServicesForLicensing"), fixtureNow)
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("identities=%d", n), func(b *testing.B) {
			s := loadFixture(b, root)
			s.Usage = syntheticUsage(n)
			out := b.TempDir()
			// A low GC target keeps garbage from hiding what the build
			// holds live: the heap may only outgrow the live data by 10%.
			defer debug.SetGCPercent(debug.SetGCPercent(10))
			var ms runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&ms)
			base := ms.HeapAlloc
			var peak uint64
			var size int64
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				h := startHeapPeak()
				built, err := Build(context.Background(), s, BuildOptions{
					Now: fixtureNow, Key: key, Out: filepath.Join(out, fmt.Sprintf("p%d.zip", i)),
				})
				peak = max(peak, h.done())
				if err != nil {
					b.Fatal(err)
				}
				size = built.Size
			}
			b.ReportMetric(float64(base)/(1<<20), "base-heap-MiB")
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
			b.ReportMetric(float64(peak-min(peak, base))/(1<<20), "build-heap-MiB")
			b.ReportMetric(float64(size)/(1<<20), "zip-MiB")
		})
	}
}

// tenThousand is a payload with 10k one-line licence files.
func tenThousand(b *testing.B) []byte {
	return payloadZip(b, false, func(files []zfile, m *Manifest) []zfile {
		for i := 0; i < 10_000; i++ {
			f := zfile{name: fmt.Sprintf("licenses/f%05d.lic", i), data: []byte(fmt.Sprintf("INCREMENT F%d CITRIX 2025.0630 permanent %d\n", i, i))}
			m.Files = append(m.Files, manifestFor([]zfile{f}, false).Files...)
			files = append(files, f)
		}
		return files
	})
}

// BenchmarkInspect inspects a payload with 10k licence files: both phases.
func BenchmarkInspect(b *testing.B) {
	data := tenThousand(b)
	rep := Inspect(context.Background(), bytes.NewReader(data), int64(len(data)), "bench.zip", DefaultLimits)
	if !rep.OK || len(rep.Entries) != 10_004 {
		b.Fatalf("%s with %d entries", rep.Verdict(), len(rep.Entries))
	}
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		Inspect(context.Background(), bytes.NewReader(data), int64(len(data)), "bench.zip", DefaultLimits)
	}
}

// BenchmarkScan is the first phase alone on the same payload: the listing
// a screen draws before any content is read.
func BenchmarkScan(b *testing.B) {
	data := tenThousand(b)
	if l := Scan(context.Background(), bytes.NewReader(data), int64(len(data)), "bench.zip", DefaultLimits).Listing(); l.State != StateListed {
		b.Fatal(l.Verdict())
	}
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		Scan(context.Background(), bytes.NewReader(data), int64(len(data)), "bench.zip", DefaultLimits)
	}
}

// TestBuildLargeUsage builds and inspects 20k identities (the benchmark's
// 100k, smaller to keep the suite quick) and checks every identity arrives
// scrambled.
func TestBuildLargeUsage(t *testing.T) {
	root := copyFixture(t)
	setScramble(t, root, true)
	key, _, err := scramble.EnsureKey(filepath.Join(root, "WebServicesForLicensing"), fixtureNow)
	if err != nil {
		t.Fatal(err)
	}
	s := loadFixture(t, root)
	s.Usage = syntheticUsage(20_000)
	built, err := Build(context.Background(), s, BuildOptions{Now: fixtureNow, Key: key, Out: filepath.Join(t.TempDir(), "big.zip")})
	if err != nil {
		t.Fatal(err)
	}
	rep := InspectFile(context.Background(), built.Path, DefaultLimits)
	if !rep.OK || rep.Summary.Identities != 20_000 || rep.Summary.PlaintextIdentitiesFound != 0 {
		t.Errorf("%s %+v", rep.Verdict(), rep.Summary)
	}
}
