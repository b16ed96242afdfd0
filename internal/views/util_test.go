package views

import (
	"strconv"

	"github.com/charmbracelet/x/ansi"
)

func fmtInt(n int) string { return strconv.Itoa(n) }

func cellWidth(s string) int { return ansi.StringWidth(s) }
