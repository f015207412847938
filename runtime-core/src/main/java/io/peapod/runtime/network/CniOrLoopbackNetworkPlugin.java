package io.peapod.runtime.network;

/**
 * CNI when the config directory has a network, else a loopback-only pod network.
 * The choice is made per pod at setUp, so a network config dropped in later (the way
 * cluster network add-ons install theirs) applies to the next pod; teardown and check
 * follow what the pod actually got.
 */
public final class CniOrLoopbackNetworkPlugin implements NetworkPlugin {
    private final CniNetworkPlugin cni;
    private final LoopbackNetworkPlugin loopback;

    public CniOrLoopbackNetworkPlugin(CniNetworkPlugin cni, LoopbackNetworkPlugin loopback) {
        this.cni = cni;
        this.loopback = loopback;
    }

    @Override
    public PodNetworkStatus setUp(PodNetworkRequest request) {
        return cni.network().isPresent() ? cni.setUp(request) : loopback.setUp(request);
    }

    @Override
    public void tearDown(PodNetworkRequest request) {
        // a no-op for a loopback-only pod: CNI has no attachment recorded for it
        cni.tearDown(request);
    }

    @Override
    public void check(PodNetworkRequest request) {
        if (cni.isAttached(request.sandboxId())) {
            cni.check(request);
        } else {
            loopback.check(request);
        }
    }

    @Override
    public NetworkReadiness status() {
        return cni.network().isPresent() ? cni.status() : loopback.status();
    }
}
