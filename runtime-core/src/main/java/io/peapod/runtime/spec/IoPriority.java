package io.peapod.runtime.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** ioprio_set(2) class and priority of the process. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class IoPriority extends Extensible {

    /** IOPRIO_CLASS_RT, IOPRIO_CLASS_BE or IOPRIO_CLASS_IDLE. */
    @JsonProperty("class")
    public String ioClass;
    public Integer priority;
}
