package views

import (
	"github.com/lsui/lsui/internal/views/common"
	"github.com/lsui/lsui/internal/views/entitlements"
	"github.com/lsui/lsui/internal/views/expirations"
	"github.com/lsui/lsui/internal/views/licences"
	"github.com/lsui/lsui/internal/views/overview"
	"github.com/lsui/lsui/internal/views/privacy"
	"github.com/lsui/lsui/internal/views/uploads"
	"github.com/lsui/lsui/internal/views/usage"
)

// Standard builds the seven tabs over ctx's snapshot.
func Standard(ctx *common.Context) [common.NumTabs]common.Screen {
	var s [common.NumTabs]common.Screen
	s[common.TabOverview] = overview.New(ctx)
	s[common.TabLicences] = licences.New(ctx)
	s[common.TabExpirations] = expirations.New(ctx)
	s[common.TabEntitlements] = entitlements.New(ctx)
	s[common.TabUsage] = usage.New(ctx)
	s[common.TabPrivacy] = privacy.New(ctx)
	s[common.TabUploads] = uploads.New(ctx)
	return s
}
