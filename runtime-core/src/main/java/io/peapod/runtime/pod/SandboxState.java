package io.peapod.runtime.pod;

/**
 * A sandbox's life:
 *
 * <pre>
 *   run ──► READY ──stop──► NOTREADY ──remove──► (gone)
 *             └───────────remove (stops first)────────┘
 * </pre>
 *
 * A failed run leaves nothing; a sandbox whose infra process died is NOTREADY.
 */
public enum SandboxState {
    READY,
    NOTREADY;

    public boolean acceptsContainers() {
        return this == READY;
    }
}
