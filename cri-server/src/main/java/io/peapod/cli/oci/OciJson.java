package io.peapod.cli.oci;

import com.fasterxml.jackson.databind.ObjectMapper;

final class OciJson {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private OciJson() {
    }
}
