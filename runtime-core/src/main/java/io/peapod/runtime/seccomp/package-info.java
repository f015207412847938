/**
 * seccomp for containers: {@link io.peapod.runtime.seccomp.SeccompCompiler} turns the spec's
 * {@code linux.seccomp} into classic BPF for the helper to install with
 * {@code seccomp(SECCOMP_SET_MODE_FILTER)}; {@link io.peapod.runtime.seccomp.DefaultProfile} is
 * the RuntimeDefault profile; {@link io.peapod.runtime.seccomp.SyscallTable} has the x86_64, x32
 * and i386 system call numbers.
 */
package io.peapod.runtime.seccomp;
