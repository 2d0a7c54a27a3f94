package io.modelloop;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.modelloop.testing.AwsStubs.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import io.modelloop.notify.Notifier;
import io.modelloop.testing.AwsStubs;
import io.modelloop.testing.Fixture;
import io.modelloop.testing.LogCapture;
import jakarta.mail.Message;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The optional sinks on the aws profile: e-mail through a real SMTP server (GreenMail, with
 * authentication from a password file) and a webhook (WireMock); a failing webhook is retried,
 * reported in health and blocks nobody; the SMTP password never shows in logs or the API.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MailAndWebhookSinksTest {

    private static final int ATTEMPTS = 2;
    private static final String SMTP_USER = "modelloop-smtp";
    private static final String SMTP_PASSWORD = "Sm7p+Pa55&w0rd%41-7c1e9b";
    private static final String FROM = "modelloop@example.org";
    private static final String TO = "ops@example.org";
    /** A secret in the webhook's path, as chat webhooks carry one: it must not reach the log. */
    private static final String HOOK_TOKEN = "T0k3n-w3bh00k-s3cr3t";
    private static final String HOOK = "/hooks/modelloop/" + HOOK_TOKEN;

    @TempDir
    static Path tmp;

    static LogCapture logs;
    static AwsStubs aws;
    static GreenMail smtp;
    static WireMockServer webhook;
    static ModelLoop loop;
    static Notifier notifier;
    static Path jsonl;

    @BeforeAll
    static void start() throws Exception {
        logs = LogCapture.capture();
        aws = AwsStubs.start(tmp.resolve("s3"));
        aws.stubPutParameterOk();
        aws.stubParametersByPath(null, AwsStubs.defaults(), Map.of(), 10);

        smtp = new GreenMail(new ServerSetup(Fixture.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP))
                .withConfiguration(GreenMailConfiguration.aConfig().withUser(TO, SMTP_USER, SMTP_PASSWORD));
        smtp.start();
        webhook = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        webhook.start();
        webhook.stubFor(post(urlEqualTo(HOOK)).willReturn(aResponse().withStatus(204)));

        Path passwordFile = tmp.resolve("smtp-password");
        Files.writeString(passwordFile, SMTP_PASSWORD + "\n"); // as a mounted secret often ends
        Path data = tmp.resolve("data");
        loop = aws.startLoop(data, Map.of(
                "modelloop.notify.sinks", "jsonl,smtp,webhook",
                "modelloop.notify.smtp.host", "127.0.0.1",
                "modelloop.notify.smtp.port", Integer.toString(smtp.getSmtp().getPort()),
                "modelloop.notify.smtp.from", FROM,
                "modelloop.notify.smtp.to", TO,
                "modelloop.notify.smtp.username", SMTP_USER,
                "modelloop.notify.smtp.password-file", passwordFile.toString(),
                "modelloop.notify.webhook.url", webhook.baseUrl() + HOOK,
                "modelloop.notify.retry.attempts", Integer.toString(ATTEMPTS),
                "modelloop.notify.retry.delay-ms", "100"));
        notifier = loop.camel().getRegistry().lookupByNameAndType("notifier", Notifier.class);
        jsonl = data.resolve("notifications.jsonl");
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (loop != null) {
                loop.close();
            }
            if (webhook != null) {
                webhook.stop();
            }
            if (smtp != null) {
                smtp.stop();
            }
            if (aws != null) {
                aws.close();
            }
        } finally {
            if (logs != null) {
                logs.close();
            }
        }
    }

    @Test
    @Order(1)
    void aNotificationArrivesAsAnEmailWithTheSubjectAndTheJsonBody() throws Exception {
        notifier.notify("ModelDeployed", "Model v3 is RUNNING: F1 0.91 ≥ 0.8 for « chat »", Map.of("version", "v3", "f1", 0.91));

        await().atMost(Duration.ofSeconds(15)).until(() -> mailsOf("ModelDeployed").size() == 1);
        MimeMessage mail = mailsOf("ModelDeployed").get(0);
        assertThat(mail.getSubject()).isEqualTo("ModelLoop ModelDeployed: Model v3 is RUNNING: F1 0.91 0.8 for chat");
        assertThat(mail.getFrom()).containsExactly(new InternetAddress(FROM));
        assertThat(mail.getRecipients(Message.RecipientType.TO)).containsExactly(new InternetAddress(TO));

        JsonNode body = json(mail.getContent().toString().strip());
        assertThat(body.path("event").asText()).isEqualTo("ModelDeployed");
        assertThat(body.path("time").asText()).isNotBlank();
        assertThat(body.path("details").asText()).isEqualTo("Model v3 is RUNNING: F1 0.91 ≥ 0.8 for « chat »");
        assertThat(body.path("data").path("version").asText()).isEqualTo("v3");
        assertThat(body.path("data").path("f1").asDouble()).isEqualTo(0.91);

        // the same JSON as the local sink
        await().atMost(Duration.ofSeconds(5)).until(() -> !linesOf("ModelDeployed").isEmpty());
        assertThat(json(linesOf("ModelDeployed").get(0))).isEqualTo(body);
    }

    @Test
    @Order(2)
    void aNotificationIsPostedToTheWebhookWithItsEventHeader() throws Exception {
        notifier.notify("TrainingStarted", "Training run 7 started with 124 images", Map.of("run", 7, "images", 124));

        await().atMost(Duration.ofSeconds(10)).until(() -> hooksOf("TrainingStarted").size() == 1);
        LoggedRequest hook = hooksOf("TrainingStarted").get(0);
        assertThat(hook.getMethod().getName()).isEqualTo("POST");
        assertThat(hook.getHeader("Content-Type")).startsWith("application/json");
        assertThat(hook.getHeader("X-ModelLoop-Subject")).isEqualTo("ModelLoop TrainingStarted: Training run 7 started with 124 images");
        JsonNode body = json(hook.getBodyAsString());
        assertThat(body.path("event").asText()).isEqualTo("TrainingStarted");
        assertThat(body.path("details").asText()).isEqualTo("Training run 7 started with 124 images");
        assertThat(body.path("data").path("run").asInt()).isEqualTo(7);
        assertThat(body.path("time").asText()).isNotBlank();

        await().atMost(Duration.ofSeconds(5)).until(() -> !linesOf("TrainingStarted").isEmpty());
        assertThat(json(linesOf("TrainingStarted").get(0))).isEqualTo(body);
    }

    @Test
    @Order(3)
    void aFailingWebhookIsRetriedAndReportedWhileTheOtherSinksDeliver() throws Exception {
        webhook.stubFor(post(urlEqualTo(HOOK)).atPriority(1).withHeader("X-ModelLoop-Event", equalTo("HumanLoopCompleted"))
                .willReturn(aResponse().withStatus(503).withBody("maintenance").withFixedDelay(700)));

        long t0 = System.nanoTime();
        notifier.notify("HumanLoopCompleted", "Loop 42 answered: cat", Map.of("loop", 42));
        // delivering to the webhook takes over 2 s (3 slow answers plus back-off); notify() waits for none of it
        assertThat((System.nanoTime() - t0) / 1_000_000).as("notify() waits for no sink").isLessThan(1000);

        // the healthy sinks deliver
        await().atMost(Duration.ofSeconds(15)).until(() -> !linesOf("HumanLoopCompleted").isEmpty()
                && mailsOf("HumanLoopCompleted").size() == 1);

        await().atMost(Duration.ofSeconds(15)).until(() -> json(health()).path("status").asText().equals("DOWN"));
        assertThat(hooksOf("HumanLoopCompleted")).as("first attempt plus retries").hasSize(ATTEMPTS + 1);
        JsonNode sinks = sinkCheck(health());
        assertThat(sinks.path("status").asText()).isEqualTo("DOWN");
        assertThat(sinks.path("message").asText()).contains("webhook (", "503").doesNotContain("smtp (", "jsonl (");

        var ready = Fixture.get(Fixture.managementBase(loop) + "/observe/health/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(json(ready.body()).path("status").asText()).isEqualTo("UP");
    }

    @Test
    @Order(4)
    void theSmtpPasswordNeverAppearsInLogsStatusOrHealth() {
        // an SMTP outage too, so the mail sink's error paths are logged and reported
        smtp.stop();
        notifier.notify("ModelStopped", "Model v2 stopped", Map.of("version", "v2"));
        await().atMost(Duration.ofSeconds(30)).until(() -> sinkCheck(health()).path("message").asText().contains("smtp ("));

        String status = Fixture.get(Fixture.httpBase(loop) + "/api/status").body();
        String health = health();
        String logText = logs.text();
        // the capture is live: it holds the start-up and the SMTP failure
        assertThat(logText).contains("ModelLoop (aws profile) started", "Notification sink smtp gave up");
        assertThat(status).contains("\"notificationSinks\"", "\"smtp\"");

        String endpoints = Fixture.get(Fixture.managementBase(loop)
                + "/observe/jolokia/read/org.apache.camel:context=modelloop,type=endpoints,name=*").body();
        assertThat(endpoints).contains("seda://notify-smtp");

        String encoded = URLEncoder.encode(SMTP_PASSWORD, StandardCharsets.UTF_8);
        for (String secret : List.of(SMTP_PASSWORD, "Sm7p+Pa55", encoded, AwsStubs.SECRET_KEY, HOOK_TOKEN)) {
            assertThat(logText).as("log output").doesNotContain(secret);
            assertThat(status).as("/api/status").doesNotContain(secret);
            assertThat(health).as("/observe/health").doesNotContain(secret);
            assertThat(endpoints).as("endpoints in Jolokia").doesNotContain(secret);
        }
    }

    private static String health() {
        return Fixture.get(Fixture.managementBase(loop) + "/observe/health").body();
    }

    private static JsonNode sinkCheck(String healthBody) {
        return SnsNotificationTest.sinkCheck(healthBody);
    }

    private static List<MimeMessage> mailsOf(String event) {
        return Arrays.stream(smtp.getReceivedMessages())
                .filter(m -> GreenMailUtil.getBody(m).contains("\"event\":\"" + event + "\""))
                .toList();
    }

    private static List<LoggedRequest> hooksOf(String event) {
        return webhook.findAll(postRequestedFor(urlEqualTo(HOOK)).withHeader("X-ModelLoop-Event", equalTo(event)));
    }

    private static List<String> linesOf(String event) throws Exception {
        if (!Files.exists(jsonl)) {
            return List.of();
        }
        return Files.readAllLines(jsonl).stream().filter(l -> json(l).path("event").asText().equals(event)).toList();
    }
}
