package io.peapod.runtime.spec;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A device cgroup rule: allow or deny access (rwm) to type a, c or b, major:minor (null = all). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class LinuxDeviceCgroup extends Extensible {

    public Boolean allow;
    public String type;
    public Long major;
    public Long minor;
    public String access;

    public LinuxDeviceCgroup() {
    }

    public LinuxDeviceCgroup(boolean allow, String type, Long major, Long minor, String access) {
        this.allow = allow;
        this.type = type;
        this.major = major;
        this.minor = minor;
        this.access = access;
    }
}
