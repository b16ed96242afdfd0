package entitlements

// golden defines the -update flag that regenerates the dashboard's golden
// files; importing it here lets "go test ./internal/views/... -update" run
// this package's tests too instead of failing on an unknown flag.
import _ "github.com/charmbracelet/x/exp/golden"
