/**
 * Kubernetes {@code v1} Pod manifests on one machine, without a cluster.
 *
 * <p>{@link io.peapod.kube.ManifestReader} reads a file of Pod, ConfigMap and Secret documents
 * into the {@link io.peapod.kube.Kube} model, refusing any field peapod does not implement by
 * its path, and validates it. {@link io.peapod.kube.PodRunner} runs it on an
 * {@link io.peapod.runtime.Engine}: images per imagePullPolicy, the sandbox, the volumes, then a
 * {@link io.peapod.kube.RunningPod} whose thread runs the init containers one at a time and the
 * app containers in parallel, each supervised by a {@code ContainerWorker} (probes, hooks,
 * restartPolicy with back-off, graceful termination). {@link io.peapod.kube.StaticPods} keeps a
 * directory of manifests running for {@code peapod serve --manifests}.
 */
package io.peapod.kube;
