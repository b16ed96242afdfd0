package views

import (
	"fmt"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest"
)

func TestDbgInterrupt(t *testing.T) {
	app := New(Options{Load: demoLoader(t), Endpoint: hangingEndpoint(t)})
	tm := teatest.NewTestModel(t, app, teatest.WithInitialTermSize(100, 30))
	waitFor(t, tm.Output(), "Most urgent")
	tm.Send(keyMsg("7"))
	tm.Send(keyMsg("u"))
	waitFor(t, tm.Output(), "uploading")
	tm.Send(keyMsg("ctrl+c"))
	time.Sleep(500 * time.Millisecond)
	tm.Send(keyMsg("y"))
	tm.WaitFinished(t, teatest.WithFinalTimeout(3*time.Second))
	fmt.Println(app.View(), app.quitPrompt)
}
