//go:build windows

package scramble

import "io/fs"

// windowsACLNote is returned with every key on Windows. Go's file modes
// only toggle the read-only attribute there, so the key file inherits the
// ACL of WebServicesForLicensing. The Citrix installer restricts that
// folder to Administrators and the licensing service, but lsui does not set
// or check ACLs itself (that would need the Windows security API).
const windowsACLNote = "on Windows lsui cannot restrict the key file itself: it inherits the WebServicesForLicensing folder's permissions; make sure only Administrators and the licensing service can read that folder"

func permissionNote(string, fs.FileMode) string { return windowsACLNote }

func tightenMode(string) error { return nil }

func verifyMode(string) (string, error) { return windowsACLNote, nil }
