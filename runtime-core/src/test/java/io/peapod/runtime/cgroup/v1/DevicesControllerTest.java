package io.peapod.runtime.cgroup.v1;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.peapod.runtime.cgroup.DefaultDeviceRules;
import io.peapod.runtime.cgroup.DevicePolicy;
import io.peapod.runtime.cgroup.DeviceRule;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DevicesControllerTest {
    private static final String ALLOW_ALL = "a *:* rwm\n";

    private static List<String> lines(String devicesList, List<DeviceRule> rules) {
        return DevicesController.transition(devicesList, DevicePolicy.of(rules)).stream()
                .map(DevicesController.Write::toString).toList();
    }

    /** A new cgroup gets what runc writes for the default rules: "a" denied, then each rule in order. */
    @Test
    void newCgroupDeniesAllThenAllowsEachRuleInOrder() {
        assertEquals(List.of("devices.deny <- a", "devices.allow <- c *:* m", "devices.allow <- b *:* m",
                "devices.allow <- c 1:3 rwm", "devices.allow <- c 1:5 rwm", "devices.allow <- c 1:7 rwm",
                "devices.allow <- c 1:8 rwm", "devices.allow <- c 1:9 rwm", "devices.allow <- c 5:0 rwm",
                "devices.allow <- c 5:1 rwm", "devices.allow <- c 5:2 rwm", "devices.allow <- c 136:* rwm"),
                lines(ALLOW_ALL, DefaultDeviceRules.RULES));
    }

    @Test
    void allowingPolicyResetsToAllowThenDenies() {
        assertEquals(List.of("devices.allow <- a", "devices.deny <- c 1:3 w"),
                lines(ALLOW_ALL, List.of(new DeviceRule(false, 'c', 1, 3, DeviceRule.WRITE))));
        assertEquals(List.of("devices.allow <- a"),
                lines("c 1:3 rwm\n", List.of(DeviceRule.all(true))));
    }

    @Test
    void denyingCgroupMovesByDifferenceDenialsFirst() {
        String current = "c *:* m\nb *:* m\nc 1:3 rwm\nc 1:5 rwm\nc 1:7 rwm\nc 1:8 rwm\nc 1:9 rwm\nc 5:0 rwm\n"
                + "c 5:1 rwm\nc 5:2 rwm\nc 136:* rwm\n";
        assertEquals(List.of(), lines(current, DefaultDeviceRules.RULES), "nothing to do");
        List<DeviceRule> target = new ArrayList<>(DefaultDeviceRules.RULES);
        target.add(new DeviceRule(false, 'c', 1, 3, DeviceRule.WRITE));
        target.add(new DeviceRule(false, 'c', 136, DeviceRule.WILDCARD, DeviceRule.ALL_ACCESS));
        target.add(new DeviceRule(true, 'c', 10, 200, DeviceRule.ALL_ACCESS));
        assertEquals(List.of("devices.deny <- c 1:3 w", "devices.deny <- c 136:* rwm",
                "devices.allow <- c 10:200 rwm"), lines(current, target));
    }
}
