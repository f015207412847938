package io.peapod.runtime.spec;

import com.fasterxml.jackson.annotation.JsonInclude;

/** RDMA cgroup limits for one device. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class LinuxRdma extends Extensible {

    public Long hcaHandles;
    public Long hcaObjects;
}
