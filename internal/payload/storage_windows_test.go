package payload

var errNoSpace, errReadOnly error = errorDiskFull, errorWriteProtect
