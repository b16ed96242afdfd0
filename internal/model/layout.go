package model

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// Default licensing roots (DOMAIN.md §1). On Windows the configuration may sit
// under the second folder while the licence files sit under the first, so both
// are searched.
var (
	windowsRoots = programFilesRoots(os.Getenv)
	linuxRoots   = []string{"/opt/citrix/licensing"}
)

// programFilesRoots are the two Windows install folders, from the
// environment where Windows says where Program Files is (not always C:).
// ProgramW6432 names the 64-bit folder even in a 32-bit process.
func programFilesRoots(getenv func(string) string) []string {
	dir := func(env, fallback string) string {
		if v := getenv(env); v != "" {
			return strings.TrimRight(v, `\`) + `\Citrix\Licensing`
		}
		return fallback + `\Citrix\Licensing`
	}
	return []string{dir("ProgramFiles(x86)", `C:\Program Files (x86)`), dir("ProgramW6432", `C:\Program Files`)}
}

// DefaultRoots are the install folders for this operating system, in search order.
func DefaultRoots() []string {
	if runtime.GOOS == "windows" {
		return windowsRoots
	}
	return linuxRoots
}

// ErrNoServer means no licensing root was given and none is installed. Only
// the dashboard then opens the demo server; every other command fails
// naming DefaultRoots.
var ErrNoServer = errors.New("no Citrix licence server found")

// ResolveRoot picks the licensing root: the flag, else LSUI_ROOT, else the
// first default folder that exists. A root that was asked for but does not
// exist, and a default one that exists but cannot be read, are errors
// naming the folder, never a silent fall-back to the demo.
func ResolveRoot(flagRoot string, getenv func(string) string) (string, error) {
	for _, asked := range []struct{ value, from string }{{flagRoot, "--root"}, {getenv("LSUI_ROOT"), "LSUI_ROOT"}} {
		if asked.value == "" {
			continue
		}
		st, err := os.Stat(asked.value)
		if errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("%s %s: no such folder", asked.from, asked.value)
		}
		if err != nil {
			return "", fmt.Errorf("%s %s: %w", asked.from, asked.value, pathReason(err))
		}
		if !st.IsDir() {
			return "", fmt.Errorf("%s %s: not a folder", asked.from, asked.value)
		}
		return filepath.Abs(asked.value)
	}
	for _, dir := range DefaultRoots() {
		st, err := os.Stat(dir)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err == nil && st.IsDir() {
			if f, oerr := os.Open(dir); oerr != nil {
				err = oerr
			} else {
				_, err = f.Readdirnames(1)
				f.Close()
				if errors.Is(err, io.EOF) {
					err = nil
				}
			}
		} else if err == nil {
			err = errors.New("not a folder")
		}
		if err != nil {
			return "", fmt.Errorf("%s: the licence server's folder cannot be read (%w); run lsui as an account that can read it, or pass --root DIR", dir, pathReason(err))
		}
		return dir, nil
	}
	return "", ErrNoServer
}

// pathReason is the plain reason of a file error ("permission denied"),
// for messages that already name the path.
func pathReason(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Layout is where a licensing root keeps each thing. Folder names match
// case-insensitively (MyFiles on Windows, myfiles on the appliance); a
// path whose folder does not exist yet uses the canonical spelling.
type Layout struct {
	Root       string
	MyFiles    string // licence files
	ConfigDir  string // WebServicesForLicensing
	Config     string // ConfigDir/SimpleLicenseServiceConfig.xml
	LS         string // debug logs and udadmin
	UsageDir   string // LS/resource/usage, the upload payloads
	Udadmin    string // LS/udadmin(.exe), may not exist
	Lmstat     string // LS/lmstat(.exe), may not exist
	Lmutil     string // LS/lmutil(.exe), run as "lmutil lmstat" when there is no lmstat
	lsuiConfig string
}

// ConfigFileName is the Citrix web services configuration holding the
// anonymization setting.
const ConfigFileName = "SimpleLicenseServiceConfig.xml"

// NewLayout resolves the folders of root. On Windows, when root holds no
// WebServicesForLicensing folder, the same folder under the other default
// root is used if it exists.
func NewLayout(root string) Layout {
	l := Layout{Root: root}
	l.MyFiles = child(root, "MyFiles")
	l.ConfigDir = child(root, "WebServicesForLicensing")
	if !isDir(l.ConfigDir) && isWindowsRoot(root) {
		for _, alt := range windowsRoots {
			if samePath(alt, root) {
				continue
			}
			if dir := child(alt, "WebServicesForLicensing"); isDir(dir) {
				l.ConfigDir = dir
				break
			}
		}
	}
	l.Config = child(l.ConfigDir, ConfigFileName)
	l.LS = child(root, "LS")
	l.UsageDir = child(child(l.LS, "resource"), "usage")
	exe := ""
	if runtime.GOOS == "windows" {
		exe = ".exe"
	}
	l.Udadmin = child(l.LS, "udadmin"+exe)
	l.Lmstat = child(l.LS, "lmstat"+exe)
	l.Lmutil = child(l.LS, "lmutil"+exe)
	l.lsuiConfig = filepath.Join(l.ConfigDir, SettingsFileName)
	return l
}

// Rel is path relative to the root with forward slashes, as listings and
// JSON show it.
func (l Layout) Rel(path string) string {
	if rel, err := filepath.Rel(l.Root, path); err == nil && !strings.HasPrefix(rel, "..") {
		return filepath.ToSlash(rel)
	}
	return filepath.ToSlash(path)
}

// child is dir/name, with name matched case-insensitively against what is on
// disk (an exact match wins).
func child(dir, name string) string {
	if name == "" {
		return dir
	}
	exact := filepath.Join(dir, name)
	if _, err := os.Lstat(exact); err == nil || !errors.Is(err, fs.ErrNotExist) {
		return exact
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return exact
	}
	for _, e := range entries {
		if strings.EqualFold(e.Name(), name) {
			return filepath.Join(dir, e.Name())
		}
	}
	return exact
}

func isDir(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.IsDir()
}

func samePath(a, b string) bool {
	return strings.EqualFold(filepath.Clean(a), filepath.Clean(b))
}

func isWindowsRoot(root string) bool {
	for _, r := range windowsRoots {
		if samePath(r, root) {
			return true
		}
	}
	return false
}
