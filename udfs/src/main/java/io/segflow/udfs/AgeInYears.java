package io.segflow.udfs;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import org.apache.flink.table.annotation.DataTypeHint;
import org.apache.flink.table.functions.ScalarFunction;

/**
 * {@code AGE_IN_YEARS(birth_date, on_date)}: whole years from a birth date to a date, as {@link
 * java.time.Period#between} counts them (a birthday on 29 February is reached on 1 March in other
 * years); NULL if either is NULL, negative for a birth date after the date.
 *
 * <p>Why not {@code TIMESTAMPDIFF(YEAR, ...)}: the profile computes the age for every row it emits,
 * and Flink's TIMESTAMPDIFF over two timestamps converts each to a Julian date and adds months back
 * to compare them; it was a tenth of the profile aggregation's time at 2,000 events/s.
 */
public class AgeInYears extends ScalarFunction {

    private static final long serialVersionUID = 1L;

    public @DataTypeHint("INT") Integer eval(LocalDate birthDate, LocalDate onDate) {
        if (birthDate == null || onDate == null) {
            return null;
        }
        return (int) ChronoUnit.YEARS.between(birthDate, onDate);
    }
}
