package io.peapod.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ContainerStatusTest {
    @Test
    void guardsFollowTheOciLifecycle() {
        assertTrue(ContainerStatus.CREATED.canStart());
        assertFalse(ContainerStatus.RUNNING.canStart());
        assertFalse(ContainerStatus.STOPPED.canStart());
        assertTrue(ContainerStatus.RUNNING.canPause());
        assertFalse(ContainerStatus.CREATED.canPause());
        assertTrue(ContainerStatus.PAUSED.canResume());
        assertFalse(ContainerStatus.RUNNING.canDelete());
        assertFalse(ContainerStatus.PAUSED.canDelete());
        assertTrue(ContainerStatus.STOPPED.canDelete());
        assertFalse(ContainerStatus.STOPPED.canKill());
    }

    @Test
    void ociNamesRoundTrip() {
        for (ContainerStatus s : ContainerStatus.values()) {
            assertEquals(s, ContainerStatus.fromOciName(s.ociName()));
        }
        assertThrows(IllegalArgumentException.class, () -> ContainerStatus.fromOciName("zombie"));
    }
}
