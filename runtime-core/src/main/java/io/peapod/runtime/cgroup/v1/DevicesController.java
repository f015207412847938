package io.peapod.runtime.cgroup.v1;

import io.peapod.runtime.cgroup.CgroupFiles;
import io.peapod.runtime.cgroup.CgroupResources;
import io.peapod.runtime.cgroup.DevicePolicy;
import io.peapod.runtime.cgroup.DeviceRule;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The devices controller: devices.allow and devices.deny, so that the kernel's list ends up as the
 * {@link DevicePolicy} of the spec's rules.
 *
 * <p>From a cgroup that allows everything (a new one) this writes what runc writes: {@code a} to
 * devices.deny when the rules start by denying all, then one line per exception the rules leave (for the
 * usual rules, one line per rule, in rule order). A cgroup that already
 * denies by default (an update) is moved with the fewest lines instead, the denials first, so that no device
 * is allowed or refused in between that neither policy allows or refuses (runc ≥ 1.0 does the same): a blanket
 * {@code a} would refuse /dev/null to the running container for a moment.
 */
final class DevicesController implements Controller {
    /** One write: the file ("devices.allow" or "devices.deny") and its line. */
    record Write(String file, String line) {
        @Override
        public String toString() {
            return file + " <- " + line;
        }
    }

    @Override
    public String name() {
        return "devices";
    }

    @Override
    public boolean needed(CgroupResources r) {
        return r.hasDevices();
    }

    @Override
    public void apply(Path dir, CgroupResources r) {
        DevicePolicy target = DevicePolicy.of(r.devices());
        for (Write w : transition(CgroupFiles.read(dir.resolve("devices.list")), target)) {
            CgroupFiles.write(dir.resolve(w.file()), w.line());
        }
    }

    /** The writes that turn the cgroup whose devices.list reads {@code devicesList} into {@code target}. */
    static List<Write> transition(String devicesList, DevicePolicy target) {
        DevicePolicy current = DevicePolicy.fromV1List(devicesList);
        List<Write> writes = new ArrayList<>();
        if (current == null || target.defaultAllow()) {
            // An allowing cgroup does not list its denials: only a reset reaches a known state.
            writes.add(new Write(file(target.defaultAllow()), "a"));
            for (DeviceRule e : target.exceptionRules()) {
                writes.add(new Write(file(e.allow()), e.v1Line()));
            }
            return writes;
        }
        Map<DevicePolicy.Key, Integer> have = current.exceptions();
        Map<DevicePolicy.Key, Integer> want = target.exceptions();
        have.forEach((key, access) -> {
            int drop = access & ~want.getOrDefault(key, 0);
            if (drop != 0) {
                writes.add(new Write("devices.deny", line(key, drop)));
            }
        });
        want.forEach((key, access) -> {
            int add = access & ~have.getOrDefault(key, 0);
            if (add != 0) {
                writes.add(new Write("devices.allow", line(key, add)));
            }
        });
        return writes;
    }

    private static String file(boolean allow) {
        return allow ? "devices.allow" : "devices.deny";
    }

    private static String line(DevicePolicy.Key key, int access) {
        return new DeviceRule(true, key.type(), key.major(), key.minor(), access).v1Line();
    }
}
