package payload

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// What Build writes, Inspect accepts: at the entry cap the payload builds
// and inspects clean; one licence file more and Build refuses, saying why
// and what to do, and leaves no zip behind (issue 15 item 5: a 50,000-entry
// payload was written without a word and then rejected by inspect).
func TestBuildHoldsInspectsEntryCap(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 20,000 licence files")
	}
	root := copyFixture(t)
	myFiles := filepath.Join(root, "MyFiles")
	have, err := os.ReadDir(myFiles)
	if err != nil {
		t.Fatal(err)
	}
	for i := len(have); i < MaxEntries-records; i++ {
		if err := os.WriteFile(filepath.Join(myFiles, fmt.Sprintf("FID_%05d.lic", i)), []byte("# superseded order\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(t.TempDir(), "at-cap.zip")
	b, err := Build(context.Background(), loadFixture(t, root), BuildOptions{Now: fixtureNow, Out: out})
	if err != nil {
		t.Fatalf("at the cap: %v", err)
	}
	if rep := InspectFile(context.Background(), b.Path, DefaultLimits); !rep.OK || len(rep.Entries) != MaxEntries {
		t.Fatalf("at the cap: inspect says %s with %d entries: %v", rep.State, len(rep.Entries), rep.Problems)
	}

	if err := os.WriteFile(filepath.Join(myFiles, "FID_one_more.lic"), []byte("# one more\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out = filepath.Join(t.TempDir(), "over-cap.zip")
	_, err = Build(context.Background(), loadFixture(t, root), BuildOptions{Now: fixtureNow, Out: out})
	want := fmt.Sprintf("%d licence files in MyFiles make %d entries, over the payload's cap of %d entries", MaxEntries-records+1, MaxEntries+1, MaxEntries)
	if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "out of MyFiles") {
		t.Fatalf("over the cap: err %v, want it to contain %q and what to do", err, want)
	}
	if _, err := os.Lstat(out); !os.IsNotExist(err) {
		t.Errorf("over the cap, %s exists (%v)", out, err)
	}
	if DefaultLimits.MaxEntries != MaxEntries {
		t.Errorf("inspect's cap %d is not the builder's %d", DefaultLimits.MaxEntries, MaxEntries)
	}
}

func TestCheckEntrySizes(t *testing.T) {
	big := DefaultLimits.MaxEntry + 1
	tests := []struct {
		files []ManifestFile
		want  string // "" for no error
	}{
		{[]ManifestFile{{Name: UsageName, Size: 20 << 20}, {Name: InventoryName, Size: 1 << 20}}, ""},
		{[]ManifestFile{{Name: UsageName, Size: DefaultLimits.MaxEntry}}, ""},
		{[]ManifestFile{{Name: InventoryName, Size: 10}, {Name: UsageName, Size: big}}, "usage.json for 1500000 identities is"},
		{[]ManifestFile{{Name: InventoryName, Size: big}}, "inventory.json is"},
		{[]ManifestFile{{Name: UsageName, Size: DefaultLimits.MaxEntry}, {Name: InventoryName, Size: DefaultLimits.MaxEntry}, {Name: LicenceDir + "a.lic", Size: 1}}, "over its cap of"},
	}
	for _, tt := range tests {
		err := checkEntrySizes(tt.files, 1500000)
		if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("%+v: err %v, want %q", tt.files, err, tt.want)
		}
	}
}
