package io.peapod.runtime.spec;

import io.peapod.runtime.util.AtomicFiles;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.peapod.runtime.errors.InvalidArgumentException;
import io.peapod.runtime.errors.NotFoundException;
import io.peapod.runtime.errors.PeapodException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/** Reading and writing {@code config.json}. */
public final class SpecIO {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            // The spec allows extensions; Extensible keeps them, nothing fails on them.
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            // "1024" is not a number in config.json: runc rejects it, so do we.
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    private static final ObjectWriter WRITER = MAPPER.writer(new DefaultPrettyPrinter()
            .withObjectIndenter(new DefaultIndenter("\t", "\n"))
            .withArrayIndenter(new DefaultIndenter("\t", "\n"))
            .withSeparators(Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(Separators.Spacing.AFTER)));

    private SpecIO() {
    }

    /** The mapper configured for spec documents, for callers that map parts of a spec. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /**
     * Reads a config.json. A missing file is a NotFoundException; malformed JSON or a value of
     * the wrong type is an InvalidArgumentException naming the file, line, column and JSON path.
     */
    public static Spec read(Path configJson) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(configJson);
        } catch (NoSuchFileException e) {
            throw new NotFoundException("OCI config " + configJson + " does not exist", e);
        } catch (IOException e) {
            throw new PeapodException("cannot read OCI config " + configJson + ": " + e, e);
        }
        return parse(bytes, configJson.toString());
    }

    /** Parses a config from JSON text; errors name {@code source} as read() names the file. */
    public static Spec fromJson(String json) {
        return parse(json.getBytes(StandardCharsets.UTF_8), "<string>");
    }

    private static Spec parse(byte[] bytes, String source) {
        try {
            Spec spec = MAPPER.readValue(bytes, Spec.class);
            if (spec == null) {
                throw new InvalidArgumentException("OCI config " + source + ": document is JSON null");
            }
            return spec;
        } catch (JsonMappingException e) {
            String path = jsonPath(e);
            String where = at(e.getLocation()) + (path.isEmpty() ? "" : ", at " + path);
            if (e.getCause() instanceof JsonParseException syntax) {
                throw new InvalidArgumentException("OCI config " + source + ": invalid JSON" + where + ": "
                        + syntax.getOriginalMessage(), e);
            }
            throw new InvalidArgumentException("OCI config " + source + where + ": " + e.getOriginalMessage(), e);
        } catch (JsonProcessingException e) {
            throw new InvalidArgumentException("OCI config " + source + ": invalid JSON" + at(e.getLocation())
                    + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new PeapodException("cannot parse OCI config " + source + ": " + e, e);
        }
    }

    private static String at(JsonLocation loc) {
        if (loc == null || loc.getLineNr() < 0) {
            return "";
        }
        return " line " + loc.getLineNr() + " column " + loc.getColumnNr();
    }

    /** The path of a mapping error in the notation of SpecValidator: {@code linux.namespaces[2].type}. */
    static String jsonPath(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (sb.length() > 0) {
                    sb.append('.');
                }
                sb.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    /** The spec as indented JSON text (tab-indented like runc's). */
    public static String toJson(Spec spec) {
        try {
            return WRITER.writeValueAsString(spec);
        } catch (JsonProcessingException e) {
            throw new PeapodException("cannot serialise OCI config: " + e.getOriginalMessage(), e);
        }
    }

    /** A deep copy of the spec, extensions included. */
    public static Spec copy(Spec spec) {
        return MAPPER.convertValue(spec, Spec.class);
    }

    /**
     * Writes the spec atomically: a temporary file in the same directory is written and fsynced,
     * renamed over the target, and the directory is fsynced, so that a crash leaves either the
     * old file or the new one.
     */
    public static void write(Spec spec, Path configJson) {
        byte[] bytes = (toJson(spec) + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            AtomicFiles.write(configJson, bytes);
        } catch (java.io.UncheckedIOException e) {
            if (e.getCause() instanceof NoSuchFileException) {
                throw new NotFoundException("directory " + configJson.toAbsolutePath().getParent() + " of "
                        + configJson + " does not exist", e);
            }
            throw new PeapodException(e.getMessage(), e);
        }
    }

}
