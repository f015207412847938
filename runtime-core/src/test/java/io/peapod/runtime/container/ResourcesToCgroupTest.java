package io.peapod.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peapod.runtime.cgroup.DefaultDeviceRules;
import io.peapod.runtime.cgroup.DevicePolicy;
import io.peapod.runtime.cgroup.DeviceRule;
import io.peapod.runtime.spec.LinuxDeviceCgroup;
import io.peapod.runtime.spec.LinuxResources;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResourcesToCgroupTest {
    private static DevicePolicy policy(LinuxDeviceCgroup... rules) {
        LinuxResources r = new LinuxResources();
        r.devices = List.of(rules);
        return DevicePolicy.of(ResourcesToCgroup.translate(r).devices());
    }

    /** podman's specs say only "deny all": the standard devices follow it, as runc appends them. */
    @Test
    void aBareDenyAllKeepsTheStandardDevices() {
        DevicePolicy p = policy(new LinuxDeviceCgroup(false, null, null, null, "rwm"));
        assertEquals(DevicePolicy.of(DefaultDeviceRules.RULES), p);
        assertTrue(p.permits('c', 1, 3, DeviceRule.READ | DeviceRule.WRITE));
        assertTrue(p.permits('c', 5, 2, DeviceRule.READ | DeviceRule.WRITE), "ptmx");
        assertTrue(p.permits('c', 10, 229, DeviceRule.MKNOD), "mknod of the spec's own nodes");
        assertFalse(p.permits('c', 10, 229, DeviceRule.READ));
    }

    @Test
    void theDefaultSpecsRulesAreUnchangedByTheExpansion() {
        LinuxResources r = new LinuxResources();
        r.devices = io.peapod.runtime.spec.DefaultSpec.deviceRules();
        assertEquals(DevicePolicy.of(DefaultDeviceRules.RULES),
                DevicePolicy.of(ResourcesToCgroup.translate(r).devices()));
    }

    /** Unlike runc's appended rules, a later rule of the spec still takes a standard device away. */
    @Test
    void laterRulesStillDenyAStandardDevice() {
        DevicePolicy p = policy(new LinuxDeviceCgroup(false, "a", null, null, "rwm"),
                new LinuxDeviceCgroup(false, "c", 1L, 3L, "w"));
        assertTrue(p.permits('c', 1, 3, DeviceRule.READ));
        assertFalse(p.permits('c', 1, 3, DeviceRule.WRITE));
    }

    @Test
    void specsThatDoNotDenyAllGetNothingAdded() {
        assertEquals(DevicePolicy.allowAll(), policy(new LinuxDeviceCgroup(true, "a", null, null, "rwm")));
        DevicePolicy denyList = policy(new LinuxDeviceCgroup(false, "c", 1L, 3L, "rwm"));
        assertFalse(denyList.permits('c', 1, 3, DeviceRule.READ));
        assertNull(ResourcesToCgroup.translate(new LinuxResources()).devices(), "no rules: leave the cgroup alone");
    }
}
