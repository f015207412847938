package io.peapod.runtime.network;

import io.peapod.runtime.errors.PeapodException;

/**
 * A CNI plugin failed: the error code and message it returned (CNI spec error
 * object), and which plugin of which network and for which command.
 */
public class CniException extends PeapodException {
    /** Code used when a plugin failed without a CNI error object (crash, bad output, timeout). */
    public static final int NO_ERROR_OBJECT = 999;

    private final int code;
    private final String plugin;
    private final String network;
    private final String cniMessage;
    private final String details;

    public CniException(String command, String plugin, String network, int code, String cniMessage, String details) {
        super("CNI plugin " + plugin + " of network " + network + " failed " + command + ": " + cniMessage
                + (details == null || details.isEmpty() ? "" : " (" + details + ")") + " [code " + code + "]");
        this.code = code;
        this.plugin = plugin;
        this.network = network;
        this.cniMessage = cniMessage;
        this.details = details;
    }

    /** The CNI error code: 1-99 are the spec's, 100+ the plugin's own. */
    public int code() {
        return code;
    }

    public String plugin() {
        return plugin;
    }

    public String network() {
        return network;
    }

    /** The plugin's {@code msg}. */
    public String cniMessage() {
        return cniMessage;
    }

    /** The plugin's {@code details}, may be empty. */
    public String details() {
        return details == null ? "" : details;
    }
}
