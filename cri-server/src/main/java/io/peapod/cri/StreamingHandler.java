package io.peapod.cri;

import io.peapod.cri.v1.AttachRequest;
import io.peapod.cri.v1.AttachResponse;
import io.peapod.cri.v1.ExecRequest;
import io.peapod.cri.v1.ExecResponse;
import io.peapod.cri.v1.PortForwardRequest;
import io.peapod.cri.v1.PortForwardResponse;

/** Exec, Attach and PortForward: each hands out a URL of the streaming server. */
public interface StreamingHandler {
    ExecResponse exec(ExecRequest request);

    AttachResponse attach(AttachRequest request);

    PortForwardResponse portForward(PortForwardRequest request);
}
