package io.peapod.image.testing;

import io.peapod.sys.LinuxSyscalls;

/** Conditions for root-only tests. */
public final class Root {
    private Root() {
    }

    public static boolean isRoot() {
        return LinuxSyscalls.get().geteuid() == 0;
    }
}
