package io.peapod.cri.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** JSON for the CRI's verbose {@code info} maps. */
final class CriJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private CriJson() {
    }

    static String toJson(Object o) {
        try {
            return MAPPER.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode verbose info", e);
        }
    }
}
