//go:build unix

package config

import (
	"os"
	"syscall"
	"testing"
)

func TestWriteKeepsOwner(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("only root can give a file to another owner, so only root can test that the owner is kept")
	}
	const uid, gid = 4321, 4322 // the licensing service's account, say
	path := copyFixture(t, "element.xml")
	if err := os.Chown(path, uid, gid); err != nil {
		t.Fatal(err)
	}
	c, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Write(false); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, path + ".bak"} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		st := fi.Sys().(*syscall.Stat_t)
		if st.Uid != uid || st.Gid != gid {
			t.Errorf("%s: owner %d:%d, want %d:%d", p, st.Uid, st.Gid, uid, gid)
		}
	}
}
