package analysis

import "errors"

func second[T any](_ T, err error) error { return err }

func asError[T error](err error, target *T) bool { return errors.As(err, target) }
