package io.peapod.cri;

import io.peapod.cri.v1.VersionRequest;
import io.peapod.cri.v1.VersionResponse;

/** The {@code Version} RPC: needs no runtime, so it is answered here. */
public final class GetVersion {
    /** The kubelet-facing API version string, as containerd and CRI-O report it. */
    public static final String KUBELET_API_VERSION = "0.1.0";
    public static final String RUNTIME_NAME = "peapod";
    public static final String RUNTIME_API_VERSION = "v1";

    private final VersionResponse response;

    /** Reports {@code runtimeVersion} as the runtime's own version. */
    public GetVersion(String runtimeVersion) {
        if (runtimeVersion == null || runtimeVersion.isBlank()) {
            throw new IllegalArgumentException("runtime version must not be empty: '" + runtimeVersion + "'");
        }
        this.response = VersionResponse.newBuilder()
                .setVersion(KUBELET_API_VERSION)
                .setRuntimeName(RUNTIME_NAME)
                .setRuntimeVersion(runtimeVersion)
                .setRuntimeApiVersion(RUNTIME_API_VERSION)
                .build();
    }

    /** Reports the version the build stamped into the jar. */
    public static GetVersion fromBuild() {
        return new GetVersion(BuildInfo.version());
    }

    /** The request's own version field is informational; every caller gets the same answer. */
    public VersionResponse version(VersionRequest request) {
        return response;
    }
}
