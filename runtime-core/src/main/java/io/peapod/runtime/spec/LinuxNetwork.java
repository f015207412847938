package io.peapod.runtime.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** net_cls class id and net_prio priorities. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class LinuxNetwork extends Extensible {

    public Long classID;
    public List<LinuxInterfacePriority> priorities;
}
