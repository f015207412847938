package io.peapod.runtime.network;

/**
 * Attaches pods to the network. The pod's network namespace exists (pinned) before
 * {@link #setUp} and outlives {@link #tearDown}.
 */
public interface NetworkPlugin {

    /** Connects the pod; on failure nothing stays attached. */
    PodNetworkStatus setUp(PodNetworkRequest request);

    /**
     * Disconnects the pod. Idempotent: also after a failed or partial setUp, after a
     * daemon restart, and when the network namespace is gone already.
     */
    void tearDown(PodNetworkRequest request);

    /** Verifies that the pod's network is still as set up; throws when it is not. */
    void check(PodNetworkRequest request);

    /** Whether pods can be attached now, with the reason when not. */
    NetworkReadiness status();
}
