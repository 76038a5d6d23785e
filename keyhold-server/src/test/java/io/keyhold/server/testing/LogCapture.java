package io.keyhold.server.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Captures everything every logger writes, in this process, at TRACE, exactly as a file appender would
 * write it (message and any exception with its stack trace), while the console appenders are detached so
 * the build output stays readable. {@link #close()} restores the levels and appenders.
 */
public final class LogCapture implements AutoCloseable {
    private static final String PATTERN = "%-5level [%thread] %logger - %msg%n%ex";

    private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    private final Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final Logger keyhold = context.getLogger("io.keyhold");
    private final Level rootLevel = root.getLevel();
    private final Level keyholdLevel = keyhold.getLevel();
    private final List<Appender<ILoggingEvent>> detached = new ArrayList<>();
    private final List<String> lines = new ArrayList<>();
    private final AppenderBase<ILoggingEvent> appender;

    public LogCapture() {
        PatternLayout layout = new PatternLayout();
        layout.setContext(context);
        layout.setPattern(PATTERN);
        layout.start();
        appender = new AppenderBase<>() {
            @Override
            protected void append(ILoggingEvent event) {
                String line = layout.doLayout(event);
                synchronized (lines) {
                    lines.add(line);
                }
            }
        };
        appender.setContext(context);
        appender.setName("secrets-capture");
        appender.start();
        for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
            detached.add(it.next());
        }
        detached.forEach(root::detachAppender);
        root.addAppender(appender);
        root.setLevel(Level.TRACE);
        keyhold.setLevel(Level.TRACE);
    }

    /** A copy of the lines captured so far. */
    public List<String> lines() {
        synchronized (lines) {
            return new ArrayList<>(lines);
        }
    }

    @Override
    public void close() {
        root.detachAppender(appender);
        appender.stop();
        detached.forEach(root::addAppender);
        root.setLevel(rootLevel);
        keyhold.setLevel(keyholdLevel);
    }
}
