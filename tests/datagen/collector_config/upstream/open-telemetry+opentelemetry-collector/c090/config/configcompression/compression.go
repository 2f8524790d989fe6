package configcompression

type Type string

const (
	TypeGzip Type = "gzip"
	TypeZstd Type = "zstd"
	TypeNone Type = "none"
)

func (ct *Type) UnmarshalText(in []byte) error { return nil }
