package io.peapod.runtime.pod;

/** Whose namespace a pod (or its containers) uses, in the CRI's terms. */
public enum NamespaceMode {
    /** One namespace for the whole pod. */
    POD,
    /** Each container has its own (PID only). */
    CONTAINER,
    /** The host's. */
    NODE
}
