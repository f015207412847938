package io.peapod.runtime.spec;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A device node to create in the container: type c, b, u or p. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class LinuxDevice extends Extensible {

    public String path;
    public String type;
    public Long major;
    public Long minor;
    public Integer fileMode;
    public Long uid;
    public Long gid;
}
