package analysis

import "errors"

func second[T any](_ T, err error) error { return err }

func asError[T error](err error, target *T) bool { return errors.As(err, target) }

// testHops is the hop limit of the enumerations the tests compare with.
const testHops = 8
