package io.peapod.runtime.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/** cgroup resource limits (config-linux.md "Control groups"). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class LinuxResources extends Extensible {

    public List<LinuxDeviceCgroup> devices;
    public LinuxMemory memory;
    public LinuxCpu cpu;
    public LinuxPids pids;
    public LinuxBlockIo blockIO;
    public List<LinuxHugepageLimit> hugepageLimits;
    public LinuxNetwork network;
    /** RDMA limits by device name. */
    public Map<String, LinuxRdma> rdma;
    /** cgroup v2 files and values, written as they are. */
    public Map<String, String> unified;
}
