package io.peapod.runtime.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** CPU affinity of processes started by exec: before and after they join the container's cgroup. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ExecCpuAffinity extends Extensible {

    public String initial;
    @JsonProperty("final")
    public String finalAffinity;
}
