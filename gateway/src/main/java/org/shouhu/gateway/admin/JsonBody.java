package org.shouhu.gateway.admin;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * A request body that must be one JSON object with known fields, read so that every way it can be
 * wrong (not JSON, not an object, a field misspelt or of the wrong type) is an {@link InvalidInput}
 * naming the field. Missing fields read as null and are left to the input rules.
 */
final class JsonBody {

    private static final ObjectMapper READER = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final JsonNode node;
    private final String path;

    private JsonBody(JsonNode node, String path) {
        this.node = node;
        this.path = path;
    }

    /** The body as an object whose field names are all in {@code fields}. */
    static JsonBody parse(byte[] body, List<String> fields) {
        if (body == null || body.length == 0) {
            throw new InvalidInput("body", "is empty: send a JSON object");
        }
        JsonNode node;
        try {
            node = READER.readTree(body);
        } catch (JsonProcessingException e) {
            throw new InvalidInput("body", "is not valid JSON" + where(e.getLocation()));
        } catch (IOException e) {
            throw new InvalidInput("body", "could not be read as JSON");
        }
        return object(node, "", "body", fields);
    }

    private static JsonBody object(JsonNode node, String path, String name, List<String> fields) {
        if (node == null || !node.isObject()) {
            throw new InvalidInput(name, "must be a JSON object");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!fields.contains(field)) {
                throw new InvalidInput(path + field, "is not a known field (expected " + String.join(", ", fields) + ")");
            }
        }
        return new JsonBody(node, path);
    }

    /** A text field; null when absent or null. */
    String text(String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new InvalidInput(path + field, "must be text (in \"quotes\")");
        }
        return value.textValue();
    }

    /** A true/false field; null when absent or null. */
    Boolean flag(String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isBoolean()) {
            throw new InvalidInput(path + field, "must be true or false (without quotes)");
        }
        return value.booleanValue();
    }

    /** A whole-number field given as a number or as text; null when absent or null. */
    String number(String field) {
        JsonNode value = node.get(field);
        if (value != null && value.isIntegralNumber()) {
            return value.asText();
        }
        return text(field);
    }

    /** A field holding an array of objects with {@code fields}; empty when absent or null. */
    List<JsonBody> objects(String field, List<String> fields) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (!value.isArray()) {
            throw new InvalidInput(path + field, "must be a list [ … ]");
        }
        List<JsonBody> items = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            String itemPath = path + field + "[" + i + "]";
            items.add(object(value.get(i), itemPath + ".", itemPath, fields));
        }
        return items;
    }

    /** The name this body's fields carry in errors: {@code guardians[1].} for an item, empty at the top. */
    String path() {
        return path;
    }

    private static String where(JsonLocation at) {
        return at == null || at.getLineNr() < 1 ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
    }
}
