package configoptional

// Optional holds a T that may be absent; struct types also take `enabled`.
type Optional[T any] struct {
	value T
}
