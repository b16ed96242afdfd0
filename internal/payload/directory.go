package payload

import (
	"context"
	"errors"
	"io"

	"github.com/lsui/lsui/internal/zipdir"
)

// maxDirectory caps a payload's central directory: 20,000 entries with
// names of 100 bytes take about 3 MB. The directory is held twice (here
// and by klauspost's reader, which runs after this check), so its cap is
// what keeps a zip of long names under the 100 MB an inspection may cost.
const maxDirectory = 8 << 20

// scanDirectory reads and checks the central directory and the local
// headers (internal/zipdir). It returns nil after recording why when the
// zip cannot or must not be read further.
func scanDirectory(ctx context.Context, r io.ReaderAt, size int64, lim Limits, rep *Report) *zipdir.Directory {
	dir, problems, err := zipdir.Read(ctx, r, size, zipdir.Limits{
		MaxEntries: lim.MaxEntries, MaxName: maxNameLen, MaxDirectory: maxDirectory})
	switch {
	case err != nil && ctx.Err() != nil && errors.Is(err, ctx.Err()):
		rep.problem("inspection stopped: %v", err)
		return nil
	case err != nil:
		rep.problem("%v", err)
		return nil
	}
	for _, p := range problems {
		rep.problem("%v", p)
	}
	if len(problems) > 0 {
		return nil
	}
	return dir
}
