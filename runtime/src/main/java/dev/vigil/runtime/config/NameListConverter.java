package dev.vigil.runtime.config;

import java.util.ArrayList;
import java.util.List;

import org.eclipse.microprofile.config.spi.Converter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.vigil.runtime.json.Json;

/**
 * An array literal of names: a JSON array of strings such as {@code ["generate","load_metrics"]},
 * or the bare form {@code [generate, load_metrics]} that Dynamo's figment parser also accepts. A
 * bare word or a quoted string is not a list and is rejected, as Dynamo rejects it.
 */
public class NameListConverter implements Converter<NameList> {

    private static final ObjectMapper MAPPER = Json.WIRE;
    private static final String EXPECTED = "expected a JSON array of strings, such as [\"generate\"]";

    @Override
    public NameList convert(String value) {
        String text = value.trim();
        if (!text.startsWith("[") || !text.endsWith("]")) {
            throw new IllegalArgumentException(EXPECTED);
        }
        try {
            JsonNode node = MAPPER.readTree(text);
            List<String> names = new ArrayList<>();
            for (JsonNode element : node) {
                if (!element.isTextual() || element.asText().isBlank()) {
                    throw new IllegalArgumentException(EXPECTED);
                }
                names.add(element.asText());
            }
            return new NameList(names);
        } catch (com.fasterxml.jackson.core.JsonProcessingException notJson) {
            return bare(text.substring(1, text.length() - 1));
        }
    }

    /** {@code [generate, clear_kv_blocks]}: unquoted names, comma separated. */
    private static NameList bare(String inner) {
        List<String> names = new ArrayList<>();
        if (inner.isBlank()) {
            return new NameList(names);
        }
        for (String part : inner.split(",", -1)) {
            String name = part.trim();
            if (name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"")) {
                name = name.substring(1, name.length() - 1);
            }
            if (name.isEmpty() || !name.matches("[A-Za-z0-9_.-]+")) {
                throw new IllegalArgumentException(EXPECTED);
            }
            names.add(name);
        }
        return new NameList(names);
    }
}
