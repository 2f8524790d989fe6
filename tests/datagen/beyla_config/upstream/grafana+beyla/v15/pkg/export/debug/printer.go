package debug

type PrintEnabled bool

type TracePrinter string

const (
	TracePrinterDisabled = TracePrinter("disabled")
	TracePrinterText     = TracePrinter("text")
	TracePrinterJSON     = TracePrinter("json")
)

func (t TracePrinter) Valid() bool { return true }
