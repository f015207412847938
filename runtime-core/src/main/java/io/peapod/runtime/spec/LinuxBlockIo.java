package io.peapod.runtime.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** Block I/O cgroup settings; weights are 10 … 1000. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class LinuxBlockIo extends Extensible {

    public Integer weight;
    public Integer leafWeight;
    public List<LinuxWeightDevice> weightDevice;
    public List<LinuxThrottleDevice> throttleReadBpsDevice;
    public List<LinuxThrottleDevice> throttleWriteBpsDevice;
    public List<LinuxThrottleDevice> throttleReadIOPSDevice;
    public List<LinuxThrottleDevice> throttleWriteIOPSDevice;
}
