package io.peapod.runtime.pod;

/** Annotations that tie a container to its pod, named as containerd's CRI plugin names them. */
public final class PodAnnotations {
    public static final String SANDBOX_ID = "io.kubernetes.cri.sandbox-id";
    public static final String CONTAINER_TYPE = "io.kubernetes.cri.container-type";
    public static final String TYPE_SANDBOX = "sandbox";
    public static final String TYPE_CONTAINER = "container";
    public static final String CONTAINER_NAME = "io.kubernetes.cri.container-name";

    private PodAnnotations() {
    }
}
