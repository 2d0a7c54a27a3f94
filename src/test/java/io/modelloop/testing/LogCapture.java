package io.modelloop.testing;

import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.io.StringWriter;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.Property;

/**
 * Collects everything the application logs (with the shipped log4j2.xml levels), including
 * stack traces, and what is printed to standard output, so tests can check what an operator would see in the pod's log.
 */
public final class LogCapture extends AbstractAppender implements AutoCloseable {

    private final StringBuffer text = new StringBuffer();
    private PrintStream originalOut;

    private LogCapture() {
        super("test-capture-" + System.nanoTime(), null, null, true, Property.EMPTY_ARRAY);
    }

    public static LogCapture capture() {
        LogCapture capture = new LogCapture();
        capture.install();
        return capture;
    }

    private void install() {
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        Configuration config = ctx.getConfiguration();
        start();
        config.addAppender(this);
        config.getRootLogger().addAppender(this, null, null);
        ctx.updateLoggers();
        // what ModelLoop prints itself (the start-up banner) goes to standard output
        originalOut = System.out;
        System.setOut(new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                originalOut.write(b);
                text.append((char) b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                originalOut.write(b, off, len);
                text.append(new String(b, off, len, StandardCharsets.UTF_8));
            }
        }, true, StandardCharsets.UTF_8));
    }

    @Override
    public void append(LogEvent event) {
        StringBuilder line = new StringBuilder()
                .append(event.getLevel()).append(' ').append(event.getLoggerName()).append(" - ")
                .append(event.getMessage().getFormattedMessage()).append('\n');
        if (event.getThrown() != null) {
            StringWriter w = new StringWriter();
            event.getThrown().printStackTrace(new PrintWriter(w));
            line.append(w);
        }
        text.append(line);
    }

    public String text() {
        return text.toString();
    }

    @Override
    public void close() {
        System.setOut(originalOut);
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        Configuration config = ctx.getConfiguration();
        config.getRootLogger().removeAppender(getName());
        ctx.updateLoggers();
        stop();
    }
}
