package io.peapod.runtime.cgroup;

/** A cgroup operation the kernel (or the cgroup filesystem layout) refused. */
public class CgroupException extends RuntimeException {
    public CgroupException(String message) {
        super(message);
    }

    public CgroupException(String message, Throwable cause) {
        super(message, cause);
    }
}
