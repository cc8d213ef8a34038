package io.segflow.cli;

import io.segflow.infra.JdbcUrls;
import io.segflow.infra.KafkaConnection;
import io.segflow.pipeline.JobSettings;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Where an option's value comes from when it is not on the command line: first the environment
 * ({@code --batch-size} is {@code SEGFLOW_BATCH_SIZE}), then a properties file ({@code
 * batch-size=1024}) named by {@code --config FILE} or {@code SEGFLOW_CONFIG}, then the built-in
 * default. Flags win over both, so one file can serve many deployments with a flag or two on top.
 *
 * <p>Secrets never come from here: the database password is read only from {@code
 * SEGFLOW_JDBC_PASSWORD}, and a file that holds a password-like key is refused, so it cannot end up
 * in a repository or in a ConfigMap by accident.
 */
final class ConfigurationSources implements CommandLine.IDefaultValueProvider {

    static final String ENV_PREFIX = "SEGFLOW_";
    static final String CONFIG_ENV = "SEGFLOW_CONFIG";
    static final String CONFIG_OPTION = "--config";

    /**
     * The configuration file's keys of topics, {@code topic.NAME} as in the SQL's {@code
     * ${topic.NAME}}; in the environment {@code SEGFLOW_TOPIC_NAME}.
     */
    static final String TOPIC_FILE_PREFIX = "topic.";

    static final String TOPIC_ENV_PREFIX = ENV_PREFIX + "TOPIC_";

    /** The options of the shipped topics: --topic-customers is the topic of ${topic.customers}. */
    private static final String TOPIC_OPTION_PREFIX = "topic-";

    private static final String JDBC_URL_KEY = "jdbc-url";
    private static final String JDBC_SECRET_ADVICE =
            "give the database password in SEGFLOW_JDBC_PASSWORD, and a URL with sslpassword in"
                    + " the environment (SEGFLOW_JDBC_URL), never on the command line or in a"
                    + " file of options";

    static final String HELP_FOOTER =
            "%nEvery option can also come from the environment (--sql-dir is SEGFLOW_SQL_DIR) or"
                + " from a properties file given with --config FILE or SEGFLOW_CONFIG"
                + " (sql-dir=/etc/segflow/sql). A flag wins over the environment, the environment"
                + " over the file. The database password only ever comes from"
                + " SEGFLOW_JDBC_PASSWORD; Kafka client properties from kafka-property.NAME=value"
                + " in the file, --kafka-properties FILE or SEGFLOW_KAFKA_PROPERTY_NAME (secrets"
                + " only from the last two). The topic of any $${topic.NAME} in the SQL comes from"
                + " topic.NAME=... in the file or SEGFLOW_TOPIC_NAME (default: NAME itself).";

    private final Map<String, String> environment;
    private final Properties file;
    private final Path fileName;
    private final Set<String> optionKeys = new TreeSet<>();

    private ConfigurationSources(Map<String, String> environment, Properties file, Path fileName) {
        this.environment = environment;
        this.file = file;
        this.fileName = fileName;
    }

    /**
     * The sources for one invocation: the file comes from {@code --config} in args, else
     * SEGFLOW_CONFIG.
     */
    static ConfigurationSources forInvocation(String[] args, Map<String, String> environment) {
        refuseSecretsInArguments(args);
        Path fileName = configFileArgument(args);
        if (fileName == null
                && environment.get(CONFIG_ENV) != null
                && !environment.get(CONFIG_ENV).isBlank()) {
            fileName = Path.of(environment.get(CONFIG_ENV));
        }
        return new ConfigurationSources(
                environment, fileName == null ? new Properties() : read(fileName), fileName);
    }

    /**
     * Refuses a JDBC URL with a password in it on the command line, where shell histories and
     * process lists keep it.
     */
    private static void refuseSecretsInArguments(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String url = null;
            if (args[i].equals("--" + JDBC_URL_KEY) && i + 1 < args.length) {
                url = args[i + 1];
            } else if (args[i].startsWith("--" + JDBC_URL_KEY + "=")) {
                url = args[i].substring(JDBC_URL_KEY.length() + 3);
            }
            if (url != null && JdbcUrls.carriesSecret(url)) {
                throw new ConfigurationException(
                        "--jdbc-url carries a password: " + JDBC_SECRET_ADVICE);
            }
        }
    }

    /** The configuration file's Kafka client properties (kafka-property.NAME=value). */
    Map<String, String> kafkaProperties() {
        Map<String, String> properties = new TreeMap<>();
        for (String key : file.stringPropertyNames()) {
            if (key.startsWith(KafkaClientOptions.FILE_PREFIX)) {
                properties.put(
                        key.substring(KafkaClientOptions.FILE_PREFIX.length()),
                        file.getProperty(key).trim());
            }
        }
        return properties;
    }

    /**
     * The topics of the SQL's {@code ${topic.NAME}} placeholders set in the configuration file
     * ({@code topic.NAME=...}) or the environment ({@code SEGFLOW_TOPIC_NAME}, which wins), by
     * name; names with an option of their own ({@code --topic-customers}) are left to it, which
     * reads the same places with a flag on top.
     */
    Map<String, String> topics() {
        Map<String, String> topics = new TreeMap<>();
        for (String key : file.stringPropertyNames()) {
            if (key.startsWith(TOPIC_FILE_PREFIX)) {
                topics.put(
                        JobSettings.topicKey(key.substring(TOPIC_FILE_PREFIX.length())),
                        file.getProperty(key).trim());
            }
        }
        environment.forEach(
                (name, value) -> {
                    if (name.startsWith(TOPIC_ENV_PREFIX)
                            && name.length() > TOPIC_ENV_PREFIX.length()
                            && value != null
                            && !value.isBlank()) {
                        topics.put(
                                JobSettings.topicKey(name.substring(TOPIC_ENV_PREFIX.length())),
                                value.trim());
                    }
                });
        topics.keySet()
                .removeIf(
                        name ->
                                optionKeys.stream()
                                        .anyMatch(
                                                option ->
                                                        option.startsWith(TOPIC_OPTION_PREFIX)
                                                                && JobSettings.topicKey(
                                                                                option.substring(
                                                                                        TOPIC_OPTION_PREFIX
                                                                                                .length()))
                                                                        .equals(name)));
        return topics;
    }

    private static Path configFileArgument(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals(CONFIG_OPTION)) {
                if (i + 1 >= args.length) {
                    throw new ConfigurationException("--config needs a file name");
                }
                return Path.of(args[i + 1]);
            }
            if (args[i].startsWith(CONFIG_OPTION + "=")) {
                return Path.of(args[i].substring(CONFIG_OPTION.length() + 1));
            }
        }
        return null;
    }

    private static Properties read(Path fileName) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(fileName, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new ConfigurationException(
                    "cannot read configuration file " + fileName + ": " + e.getMessage());
        }
        for (String key : properties.stringPropertyNames()) {
            boolean kafkaSecret =
                    key.startsWith(KafkaClientOptions.FILE_PREFIX)
                            && KafkaConnection.isSecret(
                                    key.substring(KafkaClientOptions.FILE_PREFIX.length()));
            if (kafkaSecret
                    || key.toLowerCase().contains("password")
                    || key.toLowerCase().contains("secret")) {
                throw new ConfigurationException(
                        "configuration file "
                                + fileName
                                + " holds '"
                                + key
                                + "': secrets are read only from the environment"
                                + " (SEGFLOW_JDBC_PASSWORD, SEGFLOW_KAFKA_PROPERTY_<NAME>) or"
                                + " from a Kafka client properties file (--kafka-properties)");
            }
        }
        String url = properties.getProperty(JDBC_URL_KEY);
        if (url != null && JdbcUrls.carriesSecret(url)) {
            throw new ConfigurationException(
                    "configuration file "
                            + fileName
                            + " holds a JDBC URL with a password in it: "
                            + JDBC_SECRET_ADVICE);
        }
        return properties;
    }

    /**
     * Refuses keys that match no option of the command being run, so that a typo in the file
     * (batch_size, btach-size) is an error instead of a silently ignored setting. Keys of other
     * commands' options are allowed: one file can serve run, demo and validate.
     */
    void checkKeys(CommandLine root) {
        if (file.isEmpty()) {
            return;
        }
        Set<String> known = new TreeSet<>();
        collectKeys(root, known);
        Set<String> unknown = new TreeSet<>(file.stringPropertyNames());
        unknown.removeAll(known);
        unknown.removeIf(
                key ->
                        key.startsWith(KafkaClientOptions.FILE_PREFIX)
                                || (key.startsWith(TOPIC_FILE_PREFIX)
                                        && key.length() > TOPIC_FILE_PREFIX.length()));
        if (!unknown.isEmpty()) {
            throw new ConfigurationException(
                    "configuration file "
                            + fileName
                            + " has unknown keys "
                            + unknown
                            + "; known keys are the long option names without dashes, e.g."
                            + " batch-size, and topic.NAME for the SQL's ${topic.NAME}");
        }
    }

    private static void collectKeys(CommandLine command, Set<String> keys) {
        for (OptionSpec option : command.getCommandSpec().options()) {
            keys.add(key(option));
        }
        for (CommandLine sub : command.getSubcommands().values()) {
            collectKeys(sub, keys);
        }
    }

    @Override
    public String defaultValue(ArgSpec argument) {
        if (!(argument instanceof OptionSpec option)
                || option.usageHelp()
                || option.versionHelp()) {
            return argument.defaultValue();
        }
        String key = key(option);
        if (key.equals("config")) {
            return fileName == null ? null : fileName.toString();
        }
        String fromEnvironment = environment.get(environmentName(key));
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return fromEnvironment;
        }
        String fromFile = file.getProperty(key);
        if (fromFile == null && key.startsWith(TOPIC_OPTION_PREFIX)) {
            // topic.customers=... names the topic of ${topic.customers} as topic.NAME=... does
            // for any other name
            fromFile =
                    file.getProperty(
                            TOPIC_FILE_PREFIX + key.substring(TOPIC_OPTION_PREFIX.length()));
        }
        if (fromFile != null) {
            return fromFile.trim();
        }
        String builtIn = OptionDefaults.of(key);
        return builtIn != null ? builtIn : argument.defaultValue();
    }

    /** The option's longest name without dashes: the key in files and in the environment. */
    static String key(OptionSpec option) {
        return option.longestName().replaceFirst("^-+", "");
    }

    static String environmentName(String key) {
        return ENV_PREFIX + key.toUpperCase().replace('-', '_');
    }

    /** Installs this provider and the help footer on every command. */
    void install(CommandLine root) {
        collectKeys(root, optionKeys);
        root.setDefaultValueProvider(this);
        addFooter(root);
        checkKeys(root);
    }

    private static void addFooter(CommandLine command) {
        CommandSpec spec = command.getCommandSpec();
        if (!spec.name().equals("help")) {
            spec.usageMessage().footer(HELP_FOOTER);
        }
        command.getSubcommands().values().forEach(ConfigurationSources::addFooter);
    }

    /** A configuration mistake the user can fix; shown without a stack trace. */
    static final class ConfigurationException extends RuntimeException {
        ConfigurationException(String message) {
            super(message);
        }
    }
}
