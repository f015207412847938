package io.peapod.helper;

/** The monitor's answer to {@code state}: the container runs with this host pid, or has stopped. */
public record MonitorState(boolean running, int pid) {
}
