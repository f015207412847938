package io.peapod.runtime.spec;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import java.io.IOException;
import java.math.BigInteger;

/**
 * JSON mapping of the spec's {@code uint64} fields onto a Java {@code long} holding the same 64
 * bits. Values above {@link Long#MAX_VALUE} (for example {@code RLIM_INFINITY},
 * 18446744073709551615) read as negative longs and are written back unsigned; use
 * {@link Long#compareUnsigned} and {@link Long#toUnsignedString} on them.
 */
public final class Uint64 {

    static final BigInteger MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    /** RLIM_INFINITY, the all-ones 64-bit value. */
    public static final long INFINITY = -1L;

    private Uint64() {
    }

    public static String toString(long value) {
        return Long.toUnsignedString(value);
    }

    public static final class Serializer extends JsonSerializer<Long> {
        @Override
        public void serialize(Long value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            if (value >= 0) {
                gen.writeNumber(value);
            } else {
                gen.writeNumber(new BigInteger(Long.toUnsignedString(value)));
            }
        }
    }

    public static final class Deserializer extends JsonDeserializer<Long> {
        @Override
        public Long deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() != JsonToken.VALUE_NUMBER_INT) {
                throw InvalidFormatException.from(p, "expected an unsigned 64-bit integer, got " + p.getText(),
                        p.getText(), Long.class);
            }
            BigInteger v = p.getBigIntegerValue();
            if (v.signum() < 0 || v.compareTo(MAX) > 0) {
                throw InvalidFormatException.from(p, "value " + v + " is out of range for an unsigned 64-bit integer",
                        v, Long.class);
            }
            return v.longValue();
        }
    }
}
