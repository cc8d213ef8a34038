package io.segflow.cluster;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Every configuration option the jars of a Flink lib/ declare: the keys in force and the deprecated
 * keys each one still reads. Options are public static {@code ConfigOption} fields of Flink's
 * {@code *Options} classes; the jars are read in a class loader of their own, so the catalogue is
 * the cluster's, not the test classpath's.
 */
final class FlinkOptionCatalog {

    /** key in force -> the class that declares it */
    final Map<String, String> currentKeys = new HashMap<>();

    /** deprecated key -> the key that replaced it */
    final Map<String, String> deprecatedKeys = new HashMap<>();

    static FlinkOptionCatalog of(Path libDir) throws Exception {
        File[] jars = libDir.toFile().listFiles((dir, name) -> name.endsWith(".jar"));
        if (jars == null || jars.length == 0) {
            throw new IllegalStateException(
                    "no jars in " + libDir + " (built by mvn process-test-resources)");
        }
        List<URL> urls = new ArrayList<>();
        for (File jar : jars) {
            urls.add(jar.toURI().toURL());
        }
        FlinkOptionCatalog catalog = new FlinkOptionCatalog();
        try (URLClassLoader loader =
                new URLClassLoader(
                        urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
            Class<?> optionType = loader.loadClass("org.apache.flink.configuration.ConfigOption");
            for (File jar : jars) {
                for (String className : optionClasses(jar)) {
                    catalog.addOptionsOf(className, loader, optionType);
                }
            }
        }
        return catalog;
    }

    private static List<String> optionClasses(File jar) throws IOException {
        List<String> classes = new ArrayList<>();
        try (JarFile file = new JarFile(jar)) {
            for (JarEntry entry : Collections.list(file.entries())) {
                String name = entry.getName();
                if (name.startsWith("org/apache/flink/") && name.endsWith("Options.class")) {
                    classes.add(
                            name.substring(0, name.length() - ".class".length()).replace('/', '.'));
                }
            }
        }
        return classes;
    }

    private void addOptionsOf(String className, ClassLoader loader, Class<?> optionType)
            throws Exception {
        Field[] fields;
        try {
            fields = Class.forName(className, false, loader).getDeclaredFields();
        } catch (ReflectiveOperationException | LinkageError optionalDependencyMissing) {
            // e.g. options of a format whose library a distribution does not ship either
            return;
        }
        Method key = optionType.getMethod("key");
        Method fallbackKeys = optionType.getMethod("fallbackKeys");
        for (Field field : fields) {
            if (!Modifier.isStatic(field.getModifiers())
                    || !optionType.isAssignableFrom(field.getType())) {
                continue;
            }
            field.setAccessible(true);
            Object option = field.get(null);
            String current = (String) key.invoke(option);
            currentKeys.put(current, className);
            for (Object fallback : (Iterable<?>) fallbackKeys.invoke(option)) {
                if ((boolean) fallback.getClass().getMethod("isDeprecated").invoke(fallback)) {
                    String old = (String) fallback.getClass().getMethod("getKey").invoke(fallback);
                    deprecatedKeys.put(old, current);
                }
            }
        }
    }
}
