package views

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
)

func TestDevShow(t *testing.T) {
	spec := os.Getenv("SHOW")
	if spec == "" {
		t.Skip()
	}
	parts := strings.Split(spec, ",")
	w, _ := strconv.Atoi(parts[0])
	h, _ := strconv.Atoi(parts[1])
	a := readyApp(t, Options{ASCII: os.Getenv("ASCII") != ""}, w, h)
	press(a, parts[2:]...)
	fmt.Println(strings.ReplaceAll(a.View(), "\n", "|\n") + "|")
}
