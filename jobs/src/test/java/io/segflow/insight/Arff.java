package io.segflow.insight;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A data set in Weka's ARFF format as features and a yes/no outcome: numeric attributes as they
 * are, nominal ones one-hot (one 0/1 feature per value), the class attribute last; {@code classes}
 * holds each row's class value as written, for data sets of several classes.
 */
record Arff(List<String> features, double[][] rows, int[] outcomes, String[] classes) {

    /** Reads a class-path resource whose class has several values. */
    static Arff read(String resource) throws IOException {
        return read(resource, null);
    }

    /** Reads a class-path resource; {@code positive} is the class value that counts as 1. */
    static Arff read(String resource, String positive) throws IOException {
        List<String> names = new ArrayList<>();
        List<List<String>> nominalValues = new ArrayList<>(); // null for a numeric attribute
        List<double[]> rows = new ArrayList<>();
        List<Integer> outcomes = new ArrayList<>();
        List<String> classes = new ArrayList<>();
        try (InputStream in = Arff.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException(resource + " is not on the class path");
            }
            BufferedReader reader =
                    new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            boolean data = false;
            for (String line; (line = reader.readLine()) != null; ) {
                line = line.trim();
                if (line.isEmpty() || line.startsWith("%")) {
                    continue;
                }
                String lower = line.toLowerCase();
                if (lower.startsWith("@attribute")) {
                    String rest = line.substring("@attribute".length()).trim();
                    int space = rest.indexOf(' ');
                    names.add(unquote(rest.substring(0, space)));
                    String type = rest.substring(space).trim();
                    nominalValues.add(
                            type.startsWith("{")
                                    ? split(type.substring(1, type.lastIndexOf('}')))
                                    : null);
                } else if (lower.startsWith("@data")) {
                    data = true;
                } else if (data) {
                    List<String> values = split(line);
                    List<Double> row = new ArrayList<>();
                    for (int a = 0; a < names.size() - 1; a++) {
                        String value = values.get(a);
                        if (nominalValues.get(a) == null) {
                            row.add(value.equals("?") ? Double.NaN : Double.parseDouble(value));
                        } else {
                            for (String option : nominalValues.get(a)) {
                                row.add(
                                        value.equals("?")
                                                ? Double.NaN
                                                : option.equals(value) ? 1.0 : 0.0);
                            }
                        }
                    }
                    rows.add(row.stream().mapToDouble(Double::doubleValue).toArray());
                    String value = unquote(values.get(names.size() - 1));
                    classes.add(value);
                    outcomes.add(value.equals(positive) ? 1 : 0);
                }
            }
        }
        List<String> features = new ArrayList<>();
        for (int a = 0; a < names.size() - 1; a++) {
            if (nominalValues.get(a) == null) {
                features.add(names.get(a));
            } else {
                for (String option : nominalValues.get(a)) {
                    features.add(names.get(a) + "=" + option);
                }
            }
        }
        return new Arff(
                features,
                rows.toArray(double[][]::new),
                outcomes.stream().mapToInt(Integer::intValue).toArray(),
                classes.toArray(String[]::new));
    }

    /** Comma-separated values; single quotes group. */
    private static List<String> split(String line) {
        List<String> values = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (char c : line.toCharArray()) {
            if (c == '\'') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                values.add(current.toString().trim());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        values.add(current.toString().trim());
        return values;
    }

    private static String unquote(String text) {
        return text.startsWith("'") && text.endsWith("'")
                ? text.substring(1, text.length() - 1)
                : text;
    }
}
