package io.peapod.runtime.cgroup.v1;

import io.peapod.runtime.cgroup.CgroupException;
import io.peapod.runtime.cgroup.CgroupFiles;
import io.peapod.runtime.cgroup.CgroupResources;
import java.nio.file.Path;

/** freezer.state: THAWED, FREEZING (in transition) or FROZEN. */
final class FreezerController implements Controller {
    static final String STATE = "freezer.state";
    static final String FROZEN = "FROZEN";
    static final String THAWED = "THAWED";

    @Override
    public String name() {
        return "freezer";
    }

    @Override
    public boolean needed(CgroupResources r) {
        return false;
    }

    @Override
    public void apply(Path dir, CgroupResources r) {
    }

    /**
     * Writes FROZEN until the kernel reports FROZEN: a task that was forking or in an uninterruptible wait
     * can leave the cgroup in FREEZING, and writing again retries the tasks that did not stop. On timeout
     * the cgroup is thawed again so that it is not left half frozen.
     */
    static void freeze(Path dir, long timeoutMillis) {
        Path state = dir.resolve(STATE);
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        String current;
        do {
            CgroupFiles.write(state, FROZEN);
            current = CgroupFiles.read(state);
            if (current.equals(FROZEN)) {
                return;
            }
            CgroupFiles.sleepMillis(10);
        } while (System.nanoTime() < deadline);
        CgroupFiles.write(state, THAWED);
        throw new CgroupException("cgroup " + dir + " did not freeze within " + timeoutMillis + " ms (state "
                + current + "); thawed it again");
    }

    static void thaw(Path dir, long timeoutMillis) {
        Path state = dir.resolve(STATE);
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        String current;
        do {
            CgroupFiles.write(state, THAWED);
            current = CgroupFiles.read(state);
            if (current.equals(THAWED)) {
                return;
            }
            CgroupFiles.sleepMillis(10);
        } while (System.nanoTime() < deadline);
        throw new CgroupException("cgroup " + dir + " did not thaw within " + timeoutMillis + " ms (state "
                + current + ")");
    }

    static boolean isFrozen(Path dir) {
        return CgroupFiles.read(dir.resolve(STATE)).equals(FROZEN);
    }
}
