package views

import (
	"github.com/lsui/lsui/internal/views/common"
	"github.com/lsui/lsui/internal/views/overview"
)

// Standard builds the seven tabs over ctx's snapshot.
func Standard(ctx *common.Context) [common.NumTabs]common.Screen {
	var s [common.NumTabs]common.Screen
	s[common.TabOverview] = overview.New(ctx)
	return s
}
