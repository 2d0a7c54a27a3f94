package io.modelloop;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.modelloop.testing.AwsStubs.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.modelloop.config.Settings;
import io.modelloop.notify.CamelNotifier;
import io.modelloop.notify.NotificationFormatter;
import io.modelloop.notify.NotificationLog;
import io.modelloop.notify.NotificationRecorder;
import io.modelloop.notify.NotificationSinkHealth;
import io.modelloop.notify.NotificationSinks;
import io.modelloop.notify.NotificationSinksHealthCheck;
import io.modelloop.storage.AwsClients;
import io.modelloop.testing.AwsStubs;
import io.modelloop.testing.Fixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.Route;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.apache.camel.test.main.junit5.Configure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * The routes of routes/notifications.yaml on their own, against real servers: SNS spoken to by
 * the SDK over HTTP (WireMock), e-mail through GreenMail with authentication required, a
 * webhook (WireMock). The sinks are sns, smtp and webhook; jsonl is left out.
 */
@CamelMainTest(properties = "camel.main.routesIncludePattern=file:routes/notifications.yaml")
class NotificationSinkRoutesTest implements CamelContextAware {

    private static final int RETRIES = 2;
    private static final String HOOK = "/hooks/T0/SECRET";
    private static final String USER = "modelloop-smtp";
    private static final String PASSWORD = "Sm7p+Pa55&w0rd%41";
    private static final String TO = "ops@example.org";

    @TempDir
    static Path tmp;

    static WireMockServer sns;
    static WireMockServer webhook;
    static GreenMail smtp;

    private CamelContext context;
    private final NotificationSinkHealth health = new NotificationSinkHealth();
    private final CamelNotifier notifier = new CamelNotifier(Clock.systemUTC());
    private Settings settings;

    static Map<String, String> credentialsBefore = new HashMap<>();

    @BeforeAll
    static void startServers() {
        // the SNS client signs with the default credentials chain, as on AWS
        for (var key : Map.of("aws.accessKeyId", AwsStubs.ACCESS_KEY, "aws.secretAccessKey", AwsStubs.SECRET_KEY).entrySet()) {
            credentialsBefore.put(key.getKey(), System.getProperty(key.getKey()));
            System.setProperty(key.getKey(), key.getValue());
        }
        sns = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        sns.start();
        webhook = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        webhook.start();
        smtp = new GreenMail(new ServerSetup(Fixture.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP))
                .withConfiguration(GreenMailConfiguration.aConfig().withUser(TO, USER, PASSWORD));
        smtp.getUserManager().setAuthRequired(true);
        smtp.start();
    }

    @AfterAll
    static void stopServers() {
        sns.stop();
        webhook.stop();
        smtp.stop();
        credentialsBefore.forEach((key, value) -> {
            if (value == null) {
                System.clearProperty(key);
            } else {
                System.setProperty(key, value);
            }
        });
    }

    @Configure
    void configure(MainConfigurationProperties main) throws Exception {
        sns.resetAll();
        webhook.resetAll();
        smtp.purgeEmailFromAllMailboxes();
        Path passwordFile = Files.writeString(Files.createTempFile(tmp, "smtp", ".secret"), PASSWORD);
        Map<String, String> o = new HashMap<>();
        o.put("camel.main.profile", "aws");
        o.put("modelloop.data", Files.createTempDirectory(tmp, "data").toString());
        o.put("modelloop.aws.region", "us-east-1");
        o.put("modelloop.notify.sinks", "sns, smtp, webhook");
        o.put("modelloop.notify.retry.attempts", Integer.toString(RETRIES));
        o.put("modelloop.notify.retry.delay-ms", "50");
        o.put("modelloop.notify.sns.endpoint", sns.baseUrl());
        o.put("modelloop.notify.sns.topic-arn", AwsStubs.TOPIC_ARN);
        o.put("modelloop.notify.smtp.host", "127.0.0.1");
        o.put("modelloop.notify.smtp.port", Integer.toString(smtp.getSmtp().getPort()));
        o.put("modelloop.notify.smtp.to", TO);
        o.put("modelloop.notify.smtp.username", USER);
        o.put("modelloop.notify.smtp.password-file", passwordFile.toString());
        o.put("modelloop.notify.webhook.url", webhook.baseUrl() + HOOK);
        settings = Settings.load(Path.of("config"), o);
        // what ModelLoop's start-up binds and sets for these routes
        main.addConfiguration(new CamelConfiguration() {
            @Override
            public void configure(CamelContext camel) {
                camel.getPropertiesComponent().setLocation(settings.locations());
                camel.getPropertiesComponent().setOverrideProperties(CamelSettings.placeholders(settings, NotificationSinks.from(settings)));
                NotificationSinks sinks = NotificationSinks.from(settings);
                sinks.names().forEach(health::register);
                camel.getRegistry().bind("notificationSinks", sinks);
                camel.getRegistry().bind("notificationSinkHealth", health);
                camel.getRegistry().bind("notificationFormatter", new NotificationFormatter("ModelLoop test"));
                camel.getRegistry().bind("notificationRecorder", new NotificationRecorder(new NotificationLog() {
                    @Override
                    public void append(io.modelloop.notify.LoggedNotification entry) {
                    }

                    @Override
                    public List<io.modelloop.notify.LoggedNotification> newestFirst(Instant before, int limit) {
                        return List.of();
                    }
                }));
                camel.getRegistry().bind("snsClient", new AwsClients(settings).sns());
            }
        });
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.context = camelContext;
        notifier.attach(camelContext.createProducerTemplate());
    }

    @Override
    public CamelContext getCamelContext() {
        return context;
    }

    @Test
    void aWebhookThatFailsTwiceIsRetriedAndGetsTheNotificationOnce() {
        publishAnswers(200);
        webhook.stubFor(post(urlEqualTo(HOOK)).inScenario("flaky").whenScenarioStateIs(Scenario.STARTED)
                .willSetStateTo("failed once").willReturn(aResponse().withStatus(503)));
        webhook.stubFor(post(urlEqualTo(HOOK)).inScenario("flaky").whenScenarioStateIs("failed once")
                .willSetStateTo("failed twice").willReturn(aResponse().withStatus(502)));
        webhook.stubFor(post(urlEqualTo(HOOK)).inScenario("flaky").whenScenarioStateIs("failed twice")
                .willReturn(aResponse().withStatus(204)));
        NotifyBuilder delivered = new NotifyBuilder(context).fromRoute("notify-sink-*").whenCompleted(3).create();

        notifier.notify("ModelDeployed", "Model v3 is RUNNING", Map.of("version", "v3"));

        assertThat(delivered.matches(15, TimeUnit.SECONDS)).as("sns, smtp and webhook done").isTrue();
        var posts = webhook.findAll(postRequestedFor(urlEqualTo(HOOK)));
        assertThat(posts).as("two refusals, then the delivery").hasSize(3);
        assertThat(posts).allSatisfy(p -> {
            assertThat(p.getHeader("X-ModelLoop-Event")).isEqualTo("ModelDeployed");
            assertThat(p.getHeader("Content-Type")).startsWith("application/json");
            assertThat(json(p.getBodyAsString()).path("data").path("version").asText()).isEqualTo("v3");
        });
        assertThat(health.snapshot().get("webhook")).satisfies(s -> {
            assertThat(s.up()).isTrue();
            assertThat(s.delivered()).isEqualTo(1);
            assertThat(s.failed()).isZero();
        });

        // the other sinks delivered it once, with their own headers
        assertThat(smtp.getReceivedMessages()).singleElement().satisfies(m -> {
            assertThat(m.getSubject()).isEqualTo("ModelLoop ModelDeployed: Model v3 is RUNNING");
            assertThat(m.getAllRecipients()).extracting(Object::toString).containsExactly(TO);
        });
        var publishes = sns.findAll(postRequestedFor(urlEqualTo("/")).withRequestBody(
                com.github.tomakehurst.wiremock.client.WireMock.containing("Action=Publish")));
        assertThat(publishes).singleElement().satisfies(p -> assertThat(p.formParameters().get("Subject").firstValue())
                .isEqualTo("ModelLoop ModelDeployed: Model v3 is RUNNING"));
        assertThat(new NotificationSinksHealthCheck(health).call().getState()).isEqualTo(HealthCheck.State.UP);
    }

    @Test
    void anSnsTopicThatKeepsFailingEndsInTheDeadLetterPathAndHealthNamesIt() {
        publishAnswers(500);
        webhook.stubFor(post(urlEqualTo(HOOK)).willReturn(aResponse().withStatus(204)));
        NotifyBuilder gaveUp = new NotifyBuilder(context).fromRoute("notify-sink-*").wereSentTo("direct:notify-sink-dead-letter")
                .whenDone(1).create();
        NotifyBuilder webhookDone = new NotifyBuilder(context).fromRoute("notify-sink-webhook").whenCompleted(1).create();

        notifier.notify("TrainingFailed", "Run 7 failed", Map.of("run", 7));

        assertThat(gaveUp.matches(15, TimeUnit.SECONDS)).as("sns gave up").isTrue();
        assertThat(sns.findAll(postRequestedFor(urlEqualTo("/")).withFormParam("Action", equalTo("Publish"))))
                .as("first attempt plus the retries").hasSize(RETRIES + 1);
        HealthCheck.Result result = new NotificationSinksHealthCheck(health).call();
        assertThat(result.getState()).isEqualTo(HealthCheck.State.DOWN);
        assertThat(result.getMessage()).get().asString().contains("sns (", "500", "test outage")
                .doesNotContain("webhook (", "smtp (");
        assertThat(health.snapshot().get("sns").failed()).isEqualTo(1);

        assertThat(webhookDone.matches(15, TimeUnit.SECONDS)).as("the webhook is not held up").isTrue();
        assertThat(health.snapshot().get("webhook").delivered()).isEqualTo(1);
    }

    @Test
    void aWebhookRefusalNamesTheHostButNotTheTokenInItsUrl() {
        publishAnswers(200);
        webhook.stubFor(post(urlEqualTo(HOOK)).willReturn(aResponse().withStatus(403)));
        NotifyBuilder gaveUp = new NotifyBuilder(context).fromRoute("notify-sink-*").wereSentTo("direct:notify-sink-dead-letter")
                .whenDone(1).create();

        notifier.notify("ModelStopped", "Model v2 stopped", Map.of());

        assertThat(gaveUp.matches(15, TimeUnit.SECONDS)).isTrue();
        assertThat(health.snapshot().get("webhook").lastError())
                .isEqualTo("IOException: webhook at " + webhook.baseUrl() + " answered HTTP 403")
                .doesNotContain("SECRET");
    }

    @Test
    void aSinkThatIsNotConfiguredHasNoRouteAndGetsNothing() {
        publishAnswers(200);
        webhook.stubFor(post(urlEqualTo(HOOK)).willReturn(aResponse().withStatus(204)));
        NotifyBuilder done = new NotifyBuilder(context).fromRoute("notify-sink-*").whenCompleted(3).create();

        notifier.notify("ParameterChanged", "Minimum-F1-Score is now 0.9", Map.of());

        assertThat(done.matches(15, TimeUnit.SECONDS)).isTrue();
        assertThat(context.getRoutes()).extracting(Route::getRouteId).containsExactlyInAnyOrder("notify",
                "notify-sink-sns", "notify-sink-smtp", "notify-sink-webhook", "notify-sink-webhook-post",
                "notify-sink-dead-letter");
        assertThat(context.hasEndpoint("seda://notify-jsonl")).as("no queue for jsonl either").isNull();
        assertThat(Path.of(settings.get("modelloop.data")).resolve("notifications.jsonl")).doesNotExist();
        assertThat(health.snapshot()).containsOnlyKeys("sns", "smtp", "webhook");
    }

    private static void publishAnswers(int status) {
        sns.stubFor(post(urlEqualTo("/")).withFormParam("Action", equalTo("Publish")).willReturn(status == 200
                ? aResponse().withStatus(200).withHeader("Content-Type", "text/xml")
                        .withBody(AwsStubs.publishResponse("m-1", "r-1"))
                : aResponse().withStatus(status).withHeader("Content-Type", "text/xml")
                        .withBody(AwsStubs.snsError("InternalError", "Service unavailable (test outage)"))));
    }
}
