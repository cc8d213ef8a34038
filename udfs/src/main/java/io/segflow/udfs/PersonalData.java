package io.segflow.udfs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a dead letter may keep of a rejected record: its JSON with every external id replaced by its
 * pseudonym and every e-mail address masked, at any depth (a Debezium row image, a nested object,
 * an array); a payload that is not one readable JSON value keeps only its length and a keyed
 * digest, since whatever it holds cannot be found and masked.
 */
public final class PersonalData {

    public static final String MASK = "<masked>";

    /**
     * Fields whose value identifies a person: replaced by its pseudonym, as staging does for the
     * external ids. The CRM's customer_id too, so that a dead letter names its customer only by
     * pseudonym (PSEUDONYM(customer_id) finds them) and the dead-letter topic, a log that cannot be
     * erased, never holds it.
     */
    static final Set<String> ID_FIELDS =
            Set.of("visitor_id", "user_id", "external_id", "session_id", "customer_id");

    /** Fields whose value is an e-mail address, whatever it looks like. */
    static final Set<String> EMAIL_FIELDS = Set.of("email", "e_mail", "email_address", "mail");

    /** Anything that looks like an address, in any text value or field name. */
    private static final Pattern EMAIL =
            Pattern.compile("[\\p{L}\\p{N}._%+'-]+@[\\p{L}\\p{N}-]+(\\.[\\p{L}\\p{N}-]+)+");

    private PersonalData() {}

    /** The payload as a dead letter keeps it; null stays null. */
    public static String mask(String payload, Pseudonymiser pseudonymiser) {
        if (payload == null) {
            return null;
        }
        JsonNode root;
        try {
            root = SharedJson.MAPPER.readTree(payload);
        } catch (JsonProcessingException | RuntimeException e) {
            root = null;
        }
        if (root == null || root.isMissingNode()) {
            return unreadable(payload, pseudonymiser);
        }
        try {
            return SharedJson.MAPPER.writeValueAsString(masked(root, pseudonymiser));
        } catch (JsonProcessingException | RuntimeException e) {
            return unreadable(payload, pseudonymiser);
        }
    }

    private static String unreadable(String payload, Pseudonymiser pseudonymiser) {
        ObjectNode kept = JsonNodeFactory.instance.objectNode();
        ObjectNode summary = kept.putObject("unreadable_payload");
        summary.put("characters", payload.length());
        summary.put(
                pseudonymiser.enabled() ? "hmac_sha256" : "sha256", pseudonymiser.digest(payload));
        return kept.toString();
    }

    private static JsonNode masked(JsonNode node, Pseudonymiser pseudonymiser) {
        if (node.isObject()) {
            ObjectNode result = JsonNodeFactory.instance.objectNode();
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                String name = maskedText(field.getKey());
                while (result.has(name)) {
                    name = name + "_";
                }
                result.set(name, maskedField(field.getKey(), field.getValue(), pseudonymiser));
            }
            return result;
        }
        if (node.isArray()) {
            ArrayNode result = JsonNodeFactory.instance.arrayNode();
            for (JsonNode element : node) {
                result.add(masked(element, pseudonymiser));
            }
            return result;
        }
        if (node.isTextual()) {
            return TextNode.valueOf(maskedText(node.textValue()));
        }
        return node;
    }

    private static JsonNode maskedField(String name, JsonNode value, Pseudonymiser pseudonymiser) {
        if (value.isNull()) {
            return value;
        }
        String lower = name.toLowerCase(Locale.ROOT);
        if (EMAIL_FIELDS.contains(lower)) {
            return TextNode.valueOf(MASK);
        }
        if (ID_FIELDS.contains(lower)) {
            return value.isValueNode()
                    ? TextNode.valueOf(pseudonymiser.pseudonym(value.asText()))
                    : TextNode.valueOf(MASK);
        }
        return masked(value, pseudonymiser);
    }

    private static String maskedText(String text) {
        return text.indexOf('@') < 0 ? text : EMAIL.matcher(text).replaceAll(MASK);
    }
}
