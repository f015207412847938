package io.peapod.kube;

import java.util.Map;

/**
 * One pod manifest file read and checked: the Pod and the ConfigMaps and Secrets beside it,
 * by name.
 */
public record Manifest(String source, Kube.Pod pod, Map<String, Kube.ConfigMap> configMaps,
                       Map<String, Kube.Secret> secrets) {

    public String name() {
        return pod.metadata.name;
    }

    public String namespace() {
        return pod.metadata.namespace == null ? "default" : pod.metadata.namespace;
    }
}
