package io.peapod.runtime.cgroup;

import io.peapod.runtime.spec.DefaultSpec;
import java.util.List;

/** The device rules of peapod's default spec, as the cgroup managers take them. */
public final class DefaultDeviceRules {
    public static final List<DeviceRule> RULES = DefaultSpec.deviceRules().stream()
            .map(d -> DeviceRule.fromOci(d.allow, d.type, d.major, d.minor, d.access)).toList();

    private DefaultDeviceRules() {
    }
}
