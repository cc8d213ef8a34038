package io.segflow.udfs;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;

/**
 * The one Jackson mapper of the decoding functions. It is thread-safe once configured, so every
 * function instance and every thread shares it.
 *
 * <p>Its settings make it strict where a guess would hide bad data:
 *
 * <ul>
 *   <li>floating-point numbers are read as {@link java.math.BigDecimal}, trailing zeros kept, so a
 *       DECIMAL column gets exactly the digits that were sent, never a binary approximation, and a
 *       number read as text keeps its digits ({@code 1.50} stays "1.50");
 *   <li>anything after the first JSON value ({@code {"a":1} garbage}) is malformed JSON;
 *   <li>an object with the same key twice is malformed JSON: which value was meant is unknowable.
 * </ul>
 *
 * <p>In the shaded jar Jackson is relocated, so this never clashes with the Jackson of Flink or of
 * other user jars.
 */
final class SharedJson {

    static final ObjectMapper MAPPER =
            new ObjectMapper(
                            JsonFactory.builder()
                                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                                    .build())
                    .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                    .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false)
                    .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private SharedJson() {}
}
