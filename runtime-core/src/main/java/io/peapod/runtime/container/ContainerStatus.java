package io.peapod.runtime.container;

/**
 * The OCI lifecycle of one container, with the moves allowed from each state.
 *
 * <pre>
 *   create ──► CREATING ──► CREATED ──start──► RUNNING ◄──resume── PAUSED
 *                 │            │                 │  └────pause────►  │
 *                 │ (failed:   │ kill            │ exit / kill       │ kill (thawed first)
 *                 │  undone)   ▼                 ▼                   ▼
 *                 └──────►  STOPPED ◄────────────┴───────────────────┘
 *                              │
 *                            delete
 * </pre>
 *
 * CREATING only exists while a create is under way (or after a crash in the middle of
 * one, which delete cleans up). A container whose process is gone is STOPPED whatever
 * was recorded before.
 */
public enum ContainerStatus {
    CREATING("creating"),
    CREATED("created"),
    RUNNING("running"),
    PAUSED("paused"),
    STOPPED("stopped");

    private final String ociName;

    ContainerStatus(String ociName) {
        this.ociName = ociName;
    }

    /** The name in OCI state JSON and runc's output. */
    public String ociName() {
        return ociName;
    }

    public boolean canStart() {
        return this == CREATED;
    }

    public boolean canKill() {
        return this == CREATED || this == RUNNING || this == PAUSED;
    }

    public boolean canPause() {
        return this == RUNNING;
    }

    public boolean canResume() {
        return this == PAUSED;
    }

    public boolean canExec() {
        return this == RUNNING;
    }

    /** Delete without force: only a container that is not (or no longer) running. */
    public boolean canDelete() {
        return this == STOPPED || this == CREATED || this == CREATING;
    }

    public static ContainerStatus fromOciName(String name) {
        for (ContainerStatus s : values()) {
            if (s.ociName.equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown container status \"" + name + "\"");
    }
}
