package org.shouhu.gateway.channel.aliyun;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Optional;
import java.util.stream.StreamSupport;
import org.shouhu.routes.model.Phone;

/** Reading Aliyun's pushes: a JSON array of flat objects, numbers written with or without {@code +86}. */
final class PushItems {

    private static final ObjectMapper JSON = new ObjectMapper();

    private PushItems() {
    }

    /** A push's items, or why it cannot be read at all. */
    record Parsed(List<JsonNode> items, String refusal) {
    }

    static Parsed parse(String body) {
        JsonNode root;
        try {
            root = body == null || body.isBlank() ? null : JSON.readTree(body);
        } catch (JsonProcessingException e) {
            return new Parsed(List.of(), "not JSON: " + e.getOriginalMessage());
        }
        if (root == null) {
            return new Parsed(List.of(), "empty body: expected a JSON array");
        }
        if (!root.isArray()) {
            return new Parsed(List.of(), "expected a JSON array of items, got " + root.getNodeType().name().toLowerCase());
        }
        return new Parsed(StreamSupport.stream(root.spliterator(), false).toList(), null);
    }

    private static final java.util.regex.Pattern DIGITS = java.util.regex.Pattern.compile("\\d{1,40}");

    /**
     * A mainland mobile number as Aliyun writes it ({@code 13912345678}, {@code 8613912345678},
     * {@code +8613912345678}, as a string or a number) in E.164; empty for anything else.
     */
    static Optional<Phone> mainlandMobile(JsonNode value) {
        String text = value == null ? null : value.isTextual() ? value.textValue() : value.isIntegralNumber() ? value.asText() : null;
        return text == null ? Optional.empty()
                : Phone.parse(text.strip()).filter(p -> AliyunSender.reaches(org.shouhu.routes.model.Address.of(p)));
    }

    /** An id written as digits, as a string or a number; null when it is neither. */
    static String digits(JsonNode value) {
        if (value == null) {
            return null;
        }
        String text = value.isIntegralNumber() ? value.asText() : value.isTextual() ? value.textValue().strip() : null;
        return text != null && DIGITS.matcher(text).matches() ? text : null;
    }

    /** An item's number for logs: masked, or {@code ?}. */
    static String maskedPhone(JsonNode item) {
        JsonNode phone = item.isObject() ? item.get("phone_number") : null;
        return phone == null ? "?" : Phone.mask(phone.asText());
    }
}
