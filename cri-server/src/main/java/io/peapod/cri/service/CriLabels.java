package io.peapod.cri.service;

import java.util.Map;

/** CRI list filters: every selector label must be present with the same value. */
final class CriLabels {
    private CriLabels() {
    }

    static boolean matches(Map<String, String> labels, Map<String, String> selector) {
        for (Map.Entry<String, String> e : selector.entrySet()) {
            if (!e.getValue().equals(labels.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }
}
