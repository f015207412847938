package io.peapod.runtime.spec;

import com.fasterxml.jackson.annotation.JsonInclude;

/** pids cgroup limit; 0 or negative means no limit. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class LinuxPids extends Extensible {

    public Long limit;

    public LinuxPids() {
    }

    public LinuxPids(long limit) {
        this.limit = limit;
    }
}
