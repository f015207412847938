package io.peapod.cri;

import io.peapod.cri.v1.RuntimeConfigRequest;
import io.peapod.cri.v1.RuntimeConfigResponse;
import io.peapod.cri.v1.StatusRequest;
import io.peapod.cri.v1.StatusResponse;
import io.peapod.cri.v1.UpdateRuntimeConfigRequest;
import io.peapod.cri.v1.UpdateRuntimeConfigResponse;

/** The runtime as a whole: its readiness conditions and its configuration. */
public interface RuntimeStatusHandler {
    StatusResponse status(StatusRequest request);

    RuntimeConfigResponse runtimeConfig(RuntimeConfigRequest request);

    UpdateRuntimeConfigResponse updateRuntimeConfig(UpdateRuntimeConfigRequest request);
}
