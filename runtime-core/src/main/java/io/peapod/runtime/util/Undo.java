package io.peapod.runtime.util;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Undo steps of a multi-step operation. Each successful step pushes how to take it
 * back; unless {@link #commit()} is reached, closing runs them newest first. A failing
 * undo step is logged and the rest still run, so one leak does not cause others.
 */
public final class Undo implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Undo.class);

    private final Deque<Runnable> steps = new ArrayDeque<>();
    private boolean committed;

    public void push(Runnable step) {
        steps.push(step);
    }

    public void commit() {
        committed = true;
        steps.clear();
    }

    @Override
    public void close() {
        if (committed) {
            return;
        }
        while (!steps.isEmpty()) {
            Runnable step = steps.pop();
            try {
                step.run();
            } catch (RuntimeException e) {
                LOG.warn("undo step failed: {}", e.getMessage(), e);
            }
        }
    }
}
