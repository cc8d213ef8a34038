package io.segflow.udfs;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
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
 *   <li>an object with the same key twice is malformed JSON: which value was meant is unknowable;
 *   <li>nesting deeper than {@link #MAX_NESTING_DEPTH} is refused before it is built (Jackson's own
 *       limit, 1000, lets a small payload cost a deep recursion); events are flat and a Debezium
 *       envelope with its schema is 6 levels deep.
 * </ul>
 *
 * <p>In the shaded jar Jackson is relocated, so this never clashes with the Jackson of Flink or of
 * other user jars.
 */
final class SharedJson {

    static final int MAX_NESTING_DEPTH = 32;

    static final ObjectMapper MAPPER =
            new ObjectMapper(
                            JsonFactory.builder()
                                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                                    .streamReadConstraints(
                                            StreamReadConstraints.builder()
                                                    .maxNestingDepth(MAX_NESTING_DEPTH)
                                                    .build())
                                    .build())
                    .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                    .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false)
                    .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private SharedJson() {}
}
