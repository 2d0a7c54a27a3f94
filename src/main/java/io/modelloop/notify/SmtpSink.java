package io.modelloop.notify;

import io.modelloop.config.ConfigurationException;
import io.modelloop.config.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.camel.ProducerTemplate;

/** E-mails each notification through camel-mail; the password, if any, is read from a mounted file. */
public final class SmtpSink implements NotificationSink {

    public record Config(String host, int port, String from, String to, String username, Path passwordFile) {
        public static Config from(Settings s) {
            String pw = s.get("modelloop.notify.smtp.password-file");
            return new Config(s.require("modelloop.notify.smtp.host"), s.getInt("modelloop.notify.smtp.port", 25),
                    s.require("modelloop.notify.smtp.from"), s.require("modelloop.notify.smtp.to"),
                    s.get("modelloop.notify.smtp.username"), pw.isBlank() ? null : Path.of(pw));
        }
    }

    private final ProducerTemplate producer;
    private final String uri;
    private final Config config;

    public SmtpSink(ProducerTemplate producer, Config config) {
        this.producer = producer;
        this.config = config;
        StringBuilder u = new StringBuilder("smtp://").append(config.host()).append(':').append(config.port())
                .append("?contentType=RAW(text/plain; charset=UTF-8)&connectionTimeout=10000");
        if (!config.username().isBlank()) {
            u.append("&username=RAW(").append(config.username()).append(")&password=RAW(").append(password()).append(')');
        }
        this.uri = u.toString();
    }

    private String password() {
        if (config.passwordFile() == null) {
            throw new ConfigurationException("modelloop.notify.smtp.username is set but modelloop.notify.smtp.password-file is not");
        }
        try {
            return Files.readString(config.passwordFile()).strip();
        } catch (IOException e) {
            throw new ConfigurationException("Cannot read SMTP password file " + config.passwordFile() + ": " + e.getMessage());
        }
    }

    @Override
    public String name() {
        return "smtp";
    }

    @Override
    public void send(NotificationMessage message) {
        producer.sendBodyAndHeaders(uri, message.json(), Map.of(
                "Subject", message.subject(), "From", config.from(), "To", config.to()));
    }
}
