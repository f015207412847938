package io.peapod.runtime.network;

/**
 * Traffic shaping of a pod, as the CNI {@code bandwidth} capability takes it: rates in
 * bits per second, bursts in bits. Zero means no limit in that direction.
 */
public record Bandwidth(long ingressRate, long ingressBurst, long egressRate, long egressBurst) {
}
