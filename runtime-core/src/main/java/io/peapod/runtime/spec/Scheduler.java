package io.peapod.runtime.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.util.List;

/** sched_setattr(2) attributes of the process. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Scheduler extends Extensible {

    public String policy;
    public Integer nice;
    public Integer priority;
    public List<String> flags;
    @JsonSerialize(using = Uint64.Serializer.class)
    @JsonDeserialize(using = Uint64.Deserializer.class)
    public Long runtime;
    @JsonSerialize(using = Uint64.Serializer.class)
    @JsonDeserialize(using = Uint64.Deserializer.class)
    public Long deadline;
    @JsonSerialize(using = Uint64.Serializer.class)
    @JsonDeserialize(using = Uint64.Deserializer.class)
    public Long period;
}
