package licences

import "testing"

func TestContinuationEnd(t *testing.T) {
	text := "# comment\n" +
		"INCREMENT A CITRIX 2025.0101 permanent 1 \\\n" +
		"\tVENDOR_STRING=;LT=Retail \\   \r\n" +
		"\tSIGN=\"AB \\\n" +
		"\tCD\"\n" +
		"INCREMENT B CITRIX 2025.0101 permanent 1\n" +
		"INCREMENT C CITRIX 2025.0101 permanent 1 \\"
	tests := []struct{ from, want int }{
		{2, 5}, // continues through CRLF, trailing blanks and a quoted value
		{6, 6}, // one physical line
		{7, 7}, // a backslash on the file's last line ends there
		{1, 1},
	}
	for _, tt := range tests {
		if got := continuationEnd(text, tt.from); got != tt.want {
			t.Errorf("continuationEnd(line %d) = %d, want %d", tt.from, got, tt.want)
		}
	}
}
