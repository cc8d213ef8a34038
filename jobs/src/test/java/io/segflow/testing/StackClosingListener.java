package io.segflow.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Stops the embedded Kafka broker and PostgreSQL server when the test run ends, while the JVM is
 * still whole, instead of leaving it to shutdown hooks that race with everyone else's.
 */
public class StackClosingListener implements LauncherSessionListener {

    private static final List<Runnable> CLOSERS = new CopyOnWriteArrayList<>();

    static void closeAtEnd(Runnable closer) {
        CLOSERS.add(closer);
    }

    @Override
    public void launcherSessionClosed(LauncherSession session) {
        for (Runnable closer : CLOSERS) {
            closer.run();
        }
        CLOSERS.clear();
    }
}
