/**
 * CRI to OCI translation: turns a kubelet's {@code ContainerConfig} (with the pod's
 * {@code PodSandboxConfig}, the image config and what the pod layer created) into the OCI
 * runtime spec that runtime-core runs, and the pod's infra container into its own spec. Pure
 * translation: nothing here creates namespaces, cgroups or mounts; the only file system
 * access is reading the image's {@code /etc/passwd} and {@code /etc/group}, a seccomp
 * profile file, device nodes' numbers and whether bind sources exist.
 */
package io.peapod.cri.translate;
