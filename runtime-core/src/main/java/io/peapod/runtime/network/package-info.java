/**
 * Pod networking and the pod's pinned namespaces.
 *
 * <ul>
 *   <li>{@link io.peapod.runtime.network.NamespacePinner}: network, IPC and UTS namespaces pinned under
 *       {@code <state>/netns|ipcns|utsns/<name>} (as {@code ip netns add}), {@code lo} up in a new network
 *       namespace, namespaced sysctls and the hostname written inside the pod's namespaces. All of it runs
 *       on short-lived dedicated platform threads that unshare or setns and then end.</li>
 *   <li>{@link io.peapod.runtime.network.NetworkPlugin}: the seam; {@link io.peapod.runtime.network.CniNetworkPlugin}
 *       runs CNI plugins (spec 1.0), {@link io.peapod.runtime.network.LoopbackNetworkPlugin} gives a pod only
 *       {@code lo}, {@link io.peapod.runtime.network.CniOrLoopbackNetworkPlugin} picks between them by whether a
 *       CNI config exists.</li>
 * </ul>
 */
package io.peapod.runtime.network;
