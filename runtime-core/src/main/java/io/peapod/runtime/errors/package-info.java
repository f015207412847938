/**
 * peapod's unchecked exception kinds. Each maps to one gRPC status at the CRI boundary:
 * {@link io.peapod.runtime.errors.NotFoundException} → NOT_FOUND,
 * {@link io.peapod.runtime.errors.AlreadyExistsException} → ALREADY_EXISTS,
 * {@link io.peapod.runtime.errors.InvalidArgumentException} → INVALID_ARGUMENT,
 * {@link io.peapod.runtime.errors.FailedPreconditionException} → FAILED_PRECONDITION; any other
 * {@link io.peapod.runtime.errors.PeapodException} → INTERNAL.
 */
package io.peapod.runtime.errors;
