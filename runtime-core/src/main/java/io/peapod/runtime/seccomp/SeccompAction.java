package io.peapod.runtime.seccomp;

import java.util.Optional;

/** The actions of the OCI spec ({@code SCMP_ACT_*}) and the kernel return value of each. */
public enum SeccompAction {
    /** libseccomp's SCMP_ACT_KILL kills the calling thread. */
    KILL("SCMP_ACT_KILL", 0x00000000),
    KILL_THREAD("SCMP_ACT_KILL_THREAD", 0x00000000),
    KILL_PROCESS("SCMP_ACT_KILL_PROCESS", 0x80000000),
    TRAP("SCMP_ACT_TRAP", 0x00030000),
    ERRNO("SCMP_ACT_ERRNO", 0x00050000),
    TRACE("SCMP_ACT_TRACE", 0x7ff00000),
    LOG("SCMP_ACT_LOG", 0x7ffc0000),
    ALLOW("SCMP_ACT_ALLOW", 0x7fff0000),
    NOTIFY("SCMP_ACT_NOTIFY", 0x7fc00000);

    /** Errno returned by ERRNO and TRACE when the rule sets no errnoRet: EPERM, as runc does. */
    public static final int DEFAULT_ERRNO = 1;

    /** The kernel caps errno values at MAX_ERRNO. */
    public static final int MAX_ERRNO = 4095;

    private final String specName;
    private final int base;

    SeccompAction(String specName, int base) {
        this.specName = specName;
        this.base = base;
    }

    public String specName() {
        return specName;
    }

    /** Whether errnoRet means something for this action (the errno, or the tracer's message). */
    public boolean takesErrno() {
        return this == ERRNO || this == TRACE;
    }

    /** The SECCOMP_RET_* value; errnoRet (null = EPERM) fills the data bits of ERRNO and TRACE. */
    public int returnValue(Long errnoRet) {
        if (takesErrno()) {
            long data = errnoRet == null ? DEFAULT_ERRNO : errnoRet;
            return base | (int) (data & 0xffff);
        }
        return base;
    }

    public static Optional<SeccompAction> fromSpecName(String name) {
        for (SeccompAction a : values()) {
            if (a.specName.equals(name)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }
}
