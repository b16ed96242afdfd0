package main

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/charmbracelet/x/term"
)

// terminal says whether stream s (stdin, stdout, stderr) is a terminal.
func (e *env) terminal(s any) bool {
	if e.isTerminal != nil {
		return e.isTerminal(s)
	}
	f, ok := s.(*os.File)
	return ok && term.IsTerminal(f.Fd())
}

// errNoTerminal is the refusal to ask where nobody can answer.
var errNoTerminal = errors.New("this asks for confirmation and there is no terminal to ask on: pass --yes to go ahead")

// confirm asks question on the terminal and reads y or yes; anything else,
// or end of input, is no. Without a terminal on stdin and stderr it
// refuses, so a script never blocks or proceeds without --yes.
func confirm(e *env, question string) (bool, error) {
	if !e.terminal(e.stdin) || !e.terminal(e.stderr) {
		return false, errNoTerminal
	}
	fmt.Fprintf(e.stderr, "%s [y/N] ", question)
	line, err := bufio.NewReader(e.stdin).ReadString('\n')
	if err != nil && line == "" {
		fmt.Fprintln(e.stderr)
		return false, nil
	}
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes":
		return true, nil
	}
	return false, nil
}
