package io.modelloop.notify;

import java.nio.file.Path;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;

/** Appends each notification's JSON as one line to a file (data/notifications.jsonl). */
public final class JsonLinesSink implements NotificationSink {

    private final ProducerTemplate producer;
    private final String uri;
    private final String fileName;

    public JsonLinesSink(ProducerTemplate producer, Path file) {
        this.producer = producer;
        Path abs = file.toAbsolutePath();
        this.uri = "file:" + abs.getParent() + "?fileExist=Append&appendChars=\\n";
        this.fileName = abs.getFileName().toString();
    }

    @Override
    public String name() {
        return "jsonl";
    }

    @Override
    public void send(NotificationMessage message) {
        producer.sendBodyAndHeader(uri, message.json(), Exchange.FILE_NAME, fileName);
    }
}
