package io.peapod.runtime.cgroup.v2;

import io.peapod.runtime.cgroup.CgroupException;
import io.peapod.runtime.cgroup.CgroupFiles;
import java.nio.file.Path;

/** The v2 freezer: cgroup.freeze requests, cgroup.events "frozen" reports the settled state. */
final class FreezerController {
    private FreezerController() {
    }

    static void freeze(Path dir, long timeoutMillis) {
        CgroupFiles.write(dir.resolve("cgroup.freeze"), "1");
        if (!await(dir, true, timeoutMillis)) {
            CgroupFiles.write(dir.resolve("cgroup.freeze"), "0");
            throw new CgroupException("cgroup " + dir + " did not freeze within " + timeoutMillis
                    + " ms; thawed it again");
        }
    }

    static void thaw(Path dir, long timeoutMillis) {
        CgroupFiles.write(dir.resolve("cgroup.freeze"), "0");
        if (!await(dir, false, timeoutMillis)) {
            throw new CgroupException("cgroup " + dir + " did not thaw within " + timeoutMillis + " ms");
        }
    }

    static boolean isFrozen(Path dir) {
        return CgroupFiles.readKeyed(dir.resolve("cgroup.events")).getOrDefault("frozen", 0L) == 1;
    }

    private static boolean await(Path dir, boolean frozen, long timeoutMillis) {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        long sleep = 1;
        while (isFrozen(dir) != frozen) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            CgroupFiles.sleepMillis(sleep);
            sleep = Math.min(sleep * 2, 20);
        }
        return true;
    }
}
