package io.peapod.runtime.spec;

import com.fasterxml.jackson.annotation.JsonInclude;

/** net_prio priority of one interface. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class LinuxInterfacePriority extends Extensible {

    public String name;
    public Long priority;
}
