package io.peapod.runtime.cgroup;

import io.peapod.sys.Errno;
import io.peapod.sys.SyscallException;
import io.peapod.sys.Syscalls;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Signalling every process of a cgroup, shared by the v1 and v2 managers. */
public final class CgroupSignals {
    public static final int SIGKILL = 9;
    private static final Logger LOG = LoggerFactory.getLogger(CgroupSignals.class);

    private CgroupSignals() {
    }

    /** Sends {@code signal} to each pid; a process that is already gone (ESRCH) is fine. */
    public static void signalAll(Supplier<Syscalls> syscalls, Set<Integer> pids, int signal) {
        for (int pid : pids) {
            try {
                LOG.debug("kill({}, {})", pid, signal);
                syscalls.get().kill(pid, signal);
            } catch (SyscallException e) {
                if (e.errno() != Errno.ESRCH) {
                    throw new CgroupException("cannot send signal " + signal + " to process " + pid + ": "
                            + e.getMessage(), e);
                }
            }
        }
    }

    /**
     * Repeats {@code round} (which signals what it finds) until {@code pids} reports the cgroup empty or the
     * timeout passes. Exited processes leave cgroup.procs as soon as they die, before they are reaped.
     */
    public static void untilEmpty(String what, Supplier<Set<Integer>> pids, Runnable round, long timeoutMillis) {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        long sleep = 1;
        while (true) {
            Set<Integer> left = pids.get();
            if (left.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new CgroupException("processes " + left + " of cgroup " + what + " survived SIGKILL for "
                        + timeoutMillis + " ms");
            }
            round.run();
            CgroupFiles.sleepMillis(sleep);
            sleep = Math.min(sleep * 2, 50);
        }
    }
}
