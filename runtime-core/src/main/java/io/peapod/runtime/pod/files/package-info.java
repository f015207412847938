/**
 * The per-pod {@code /etc/hostname}, {@code /etc/hosts} and {@code /etc/resolv.conf}: plain data in
 * ({@link io.peapod.runtime.pod.files.EtcHosts}, {@link io.peapod.runtime.network.DnsConfig}), files out
 * ({@link io.peapod.runtime.pod.files.PodFiles}), each written atomically into the pod directory.
 */
package io.peapod.runtime.pod.files;
