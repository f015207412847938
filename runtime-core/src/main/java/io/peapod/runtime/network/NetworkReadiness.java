package io.peapod.runtime.network;

/** Whether a network plugin can set up pods now; when not, a short reason and a message. */
public record NetworkReadiness(boolean ready, String reason, String message) {
    public static NetworkReadiness isReady() {
        return new NetworkReadiness(true, "", "");
    }

    public static NetworkReadiness notReady(String reason, String message) {
        return new NetworkReadiness(false, reason, message);
    }
}
