package io.segflow.udfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IsoInstantTest {

    @Test
    void readsWhatTheFormatterReadsForTheCommonShapes() {
        Random random = new Random(3);
        for (int i = 0; i < 20_000; i++) {
            Instant instant =
                    Instant.ofEpochSecond(
                            random.nextInt(2_000_000_000) * (random.nextBoolean() ? 1L : -1L),
                            random.nextInt(1_000_000_000));
            String fraction =
                    switch (random.nextInt(4)) {
                        case 0 -> "";
                        case 1 -> String.format(".%03d", instant.getNano() / 1_000_000);
                        case 2 -> String.format(".%06d", instant.getNano() / 1_000);
                        default -> String.format(".%09d", instant.getNano());
                    };
            int offsetMinutes = random.nextBoolean() ? 0 : (random.nextInt(28 * 60) - 14 * 60);
            String offset =
                    offsetMinutes == 0 && random.nextBoolean()
                            ? "Z"
                            : String.format(
                                    "%s%02d:%02d",
                                    offsetMinutes < 0 ? "-" : "+",
                                    Math.abs(offsetMinutes) / 60,
                                    Math.abs(offsetMinutes) % 60);
            var local =
                    OffsetDateTime.ofInstant(
                            instant, ZoneOffset.ofTotalSeconds(offsetMinutes * 60));
            if (local.getYear() < 0 || local.getYear() > 9999) {
                continue;
            }
            String text =
                    local.toLocalDateTime().withNano(0).toString().length() == 16
                            ? local.toLocalDateTime().withNano(0) + ":00"
                            : local.toLocalDateTime().withNano(0).toString();
            text = text + fraction + offset;
            assertThat(IsoInstant.parse(text))
                    .as(text)
                    .isEqualTo(
                            OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                                    .toInstant());
        }
    }

    @Test
    void leavesEverythingElseToTheFormatter() {
        for (String other :
                new String[] {
                    "2026-02-30T10:00:00Z",
                    "2026-11-20T24:00:00Z",
                    "2026-11-20T10:15:30",
                    "2026-11-20 10:15:30Z",
                    "2026-11-20T10:15Z",
                    "2026-11-20T10:15:30.Z",
                    "2026-11-20T10:15:30.1234567890Z",
                    "2026-11-20T10:15:30+0100",
                    "+12026-11-20T10:15:30Z",
                    "2026-11-2OT10:15:30Z",
                    "2026-11-20T10:15:30z"
                }) {
            assertThat(IsoInstant.parse(other)).as(other).isNull();
        }
        assertThat(IsoInstant.parse("2024-02-29T23:59:59.999Z"))
                .isEqualTo(Instant.parse("2024-02-29T23:59:59.999Z"));
    }
}
