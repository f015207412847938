package io.peapod.runtime.spec;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A namespace to create (no path) or join (path to a namespace file such as /proc/PID/ns/net). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class LinuxNamespace extends Extensible {

    public static final String PID = "pid";
    public static final String NETWORK = "network";
    public static final String MOUNT = "mount";
    public static final String IPC = "ipc";
    public static final String UTS = "uts";
    public static final String USER = "user";
    public static final String CGROUP = "cgroup";
    public static final String TIME = "time";

    public String type;
    public String path;

    public LinuxNamespace() {
    }

    public LinuxNamespace(String type) {
        this.type = type;
    }

    public LinuxNamespace(String type, String path) {
        this.type = type;
        this.path = path;
    }
}
