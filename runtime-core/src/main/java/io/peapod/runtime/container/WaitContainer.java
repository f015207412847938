package io.peapod.runtime.container;

import java.time.Duration;
import java.util.Optional;

/** Waits for a container to stop, by watching its record's exit status. */
final class WaitContainer {
    private final RuntimeContext ctx;

    WaitContainer(RuntimeContext ctx) {
        this.ctx = ctx;
    }

    /** The stopped record, or empty if it was still running when the timeout passed. */
    Optional<ContainerRecord> execute(String id, Duration timeout) {
        ContainerStates states = new ContainerStates(ctx);
        long deadline = System.nanoTime() + timeout.toNanos();
        long sleepMicros = 200;
        while (true) {
            ContainerRecord r = states.current(id);
            if (r.status() == ContainerStatus.STOPPED) {
                return Optional.of(r);
            }
            if (System.nanoTime() >= deadline) {
                return Optional.empty();
            }
            try {
                Thread.sleep(sleepMicros / 1000, (int) (sleepMicros % 1000) * 1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
            sleepMicros = Math.min(sleepMicros * 2, 20_000);
        }
    }
}
