package io.segflow.udfs;

import java.util.Optional;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.catalog.DataTypeFactory;
import org.apache.flink.table.functions.FunctionDefinition;
import org.apache.flink.table.functions.ScalarFunction;
import org.apache.flink.table.functions.SpecializedFunction;
import org.apache.flink.table.functions.UserDefinedFunction;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.inference.ArgumentTypeStrategy;
import org.apache.flink.table.types.inference.CallContext;
import org.apache.flink.table.types.inference.InputTypeStrategies;
import org.apache.flink.table.types.inference.Signature;
import org.apache.flink.table.types.inference.TypeInference;
import org.apache.flink.table.types.inference.TypeStrategies;

/**
 * {@code CONTENT_TOPIC(url, title, 'taxonomy file')}: the topic of what an event shows, by the
 * rules of a taxonomy file ({@link ContentTaxonomy}); {@code 'other'} when no rule matches, never
 * NULL. The file's location is a string literal: a path, or {@code classpath:segflow/sql/...} for
 * the copy in segflow's jar; the SQL files pass {@code '${sql.dir}/content_topics.csv'}, the file
 * beside them.
 *
 * <p>The file is read and checked where the query is planned (a mistake fails the statement and
 * names the line), and the planned function carries the parsed rules with it: the workers of a
 * cluster never need the file.
 */
public class ContentTopic extends ScalarFunction implements SpecializedFunction {

    private static final long serialVersionUID = 1L;

    /** The rules, once the planner specialised this function for its call; else null. */
    private final ContentTaxonomy taxonomy;

    public ContentTopic() {
        this(null);
    }

    private ContentTopic(ContentTaxonomy taxonomy) {
        this.taxonomy = taxonomy;
    }

    /** Unspecialised (a planner that does not specialise): the rules loaded at the first call. */
    private transient ContentTaxonomy loaded;

    public String eval(String url, String title, String taxonomyLocation) {
        ContentTaxonomy rules = taxonomy;
        if (rules == null) {
            if (loaded == null) {
                loaded = ContentTaxonomy.load(taxonomyLocation);
            }
            rules = loaded;
        }
        return rules.topicOf(url, title);
    }

    @Override
    public UserDefinedFunction specialize(SpecializedContext context) {
        String location =
                context.getCallContext()
                        .getArgumentValue(2, String.class)
                        .orElseThrow(
                                () ->
                                        new IllegalArgumentException(
                                                "CONTENT_TOPIC's third argument must be a string"
                                                        + " literal: the taxonomy file"));
        return new ContentTopic(ContentTaxonomy.load(location));
    }

    @Override
    public TypeInference getTypeInference(DataTypeFactory typeFactory) {
        ArgumentTypeStrategy text = InputTypeStrategies.explicit(DataTypes.STRING());
        return TypeInference.newBuilder()
                .inputTypeStrategy(
                        InputTypeStrategies.sequence(
                                new String[] {"url", "title", "taxonomy_file"},
                                new ArgumentTypeStrategy[] {text, text, new TaxonomyArgument()}))
                .outputTypeStrategy(TypeStrategies.explicit(DataTypes.STRING().notNull()))
                .build();
    }

    /** The taxonomy file: a string literal whose file exists and parses, checked at planning. */
    private static final class TaxonomyArgument implements ArgumentTypeStrategy {

        @Override
        public Optional<DataType> inferArgumentType(
                CallContext call, int position, boolean throwOnFailure) {
            Optional<String> location =
                    call.isArgumentLiteral(position) && !call.isArgumentNull(position)
                            ? call.getArgumentValue(position, String.class)
                            : Optional.empty();
            if (location.isEmpty()) {
                return call.fail(
                        throwOnFailure,
                        "%s",
                        "The taxonomy file of CONTENT_TOPIC must be a string literal, such as"
                                + " '${sql.dir}/content_topics.csv'.");
            }
            try {
                ContentTaxonomy.load(location.get());
            } catch (RuntimeException e) {
                return call.fail(throwOnFailure, "%s", e.getMessage());
            }
            return Optional.of(DataTypes.STRING());
        }

        @Override
        public Signature.Argument getExpectedArgument(FunctionDefinition definition, int position) {
            return Signature.Argument.of("<taxonomy file literal>");
        }
    }
}
