package io.peapod.runtime.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;

/** Memory cgroup limits in bytes; -1 means unlimited for limit and swap. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class LinuxMemory extends Extensible {

    public Long limit;
    public Long reservation;
    public Long swap;
    /** Deprecated by the spec; ignored by kernels since 5.4. */
    public Long kernel;
    public Long kernelTCP;
    @JsonSerialize(using = Uint64.Serializer.class)
    @JsonDeserialize(using = Uint64.Deserializer.class)
    public Long swappiness;
    public Boolean disableOOMKiller;
    public Boolean useHierarchy;
    public Boolean checkBeforeUpdate;
}
