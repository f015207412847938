package io.peapod.runtime.pod;

import io.peapod.runtime.container.ContainerRecord;
import java.util.List;

/** The containers of a pod, found by the sandbox annotation every one of them carries. */
final class PodMembers {
    private PodMembers() {
    }

    static List<ContainerRecord> of(PodContext ctx, String sandboxId) {
        return ctx.containers().list().stream()
                .filter(c -> c.annotations() != null && sandboxId.equals(c.annotations().get(PodAnnotations.SANDBOX_ID)))
                .toList();
    }
}
