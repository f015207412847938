package io.peapod.runtime.spec;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A user namespace id mapping: size ids from containerID map to hostID (all uint32). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class LinuxIdMapping extends Extensible {

    public Long containerID;
    public Long hostID;
    public Long size;

    public LinuxIdMapping() {
    }

    public LinuxIdMapping(long containerID, long hostID, long size) {
        this.containerID = containerID;
        this.hostID = hostID;
        this.size = size;
    }
}
