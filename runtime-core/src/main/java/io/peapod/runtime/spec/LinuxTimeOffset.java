package io.peapod.runtime.spec;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A clock offset inside a time namespace. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class LinuxTimeOffset extends Extensible {

    public Long secs;
    public Long nanosecs;
}
