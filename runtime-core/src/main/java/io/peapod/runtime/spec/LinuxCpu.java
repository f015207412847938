package io.peapod.runtime.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;

/** CPU and cpuset cgroup settings; times in microseconds. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class LinuxCpu extends Extensible {

    @JsonSerialize(using = Uint64.Serializer.class)
    @JsonDeserialize(using = Uint64.Deserializer.class)
    public Long shares;
    public Long quota;
    @JsonSerialize(using = Uint64.Serializer.class)
    @JsonDeserialize(using = Uint64.Deserializer.class)
    public Long burst;
    @JsonSerialize(using = Uint64.Serializer.class)
    @JsonDeserialize(using = Uint64.Deserializer.class)
    public Long period;
    public Long realtimeRuntime;
    @JsonSerialize(using = Uint64.Serializer.class)
    @JsonDeserialize(using = Uint64.Deserializer.class)
    public Long realtimePeriod;
    public String cpus;
    public String mems;
    public Long idle;
}
