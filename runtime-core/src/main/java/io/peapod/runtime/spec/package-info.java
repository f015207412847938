/**
 * The OCI runtime spec ({@code config.json}) as Jackson classes with public fields, named as in
 * the spec; unknown properties survive a read and write through {@link io.peapod.runtime.spec.Extensible}.
 * {@link io.peapod.runtime.spec.SpecIO} reads and atomically writes configs,
 * {@link io.peapod.runtime.spec.SpecValidator} checks them before anything is created,
 * {@link io.peapod.runtime.spec.DefaultSpec} gives the config {@code runc spec} writes.
 */
package io.peapod.runtime.spec;
