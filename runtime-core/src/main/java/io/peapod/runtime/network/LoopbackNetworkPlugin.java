package io.peapod.runtime.network;

import io.peapod.runtime.errors.FailedPreconditionException;
import io.peapod.sys.SyscallException;

/**
 * The pod network when there is no CNI config: the pod's namespace with {@code lo} up
 * and nothing else, reported as loopback-only. Nothing to tear down beyond the
 * namespace itself, which the sandbox unpins.
 */
public final class LoopbackNetworkPlugin implements NetworkPlugin {
    private final NamespacePinner pinner;

    public LoopbackNetworkPlugin(NamespacePinner pinner) {
        this.pinner = pinner;
    }

    @Override
    public PodNetworkStatus setUp(PodNetworkRequest request) {
        pinner.bringUpLoopback(request.netns());
        return PodNetworkStatus.loopback();
    }

    @Override
    public void tearDown(PodNetworkRequest request) {
        // lo goes with the namespace
    }

    @Override
    public void check(PodNetworkRequest request) {
        if (request.netns() == null || !pinner.isPinned(request.netns())) {
            throw new FailedPreconditionException("network namespace " + request.netns() + " of sandbox "
                    + request.sandboxId() + " is gone");
        }
        try {
            pinner.bringUpLoopback(request.netns());
        } catch (SyscallException e) {
            throw new FailedPreconditionException("lo of sandbox " + request.sandboxId() + " cannot be brought up: "
                    + e.getMessage(), e);
        }
    }

    @Override
    public NetworkReadiness status() {
        return NetworkReadiness.isReady();
    }
}
