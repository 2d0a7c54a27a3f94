package io.modelloop.web;

import io.modelloop.config.Settings;
import io.modelloop.detection.DetectionStore;
import io.modelloop.model.ModelBackend;
import io.modelloop.notify.NotificationLog;
import io.modelloop.notify.NotificationSinkHealth;
import io.modelloop.parameters.ParameterService;
import io.modelloop.review.HumanReview;
import io.modelloop.runs.RunStore;
import io.modelloop.schedule.LeaderElection;
import io.modelloop.schedule.WorkflowTimer;
import io.modelloop.state.SystemStateRepository;
import io.modelloop.storage.ImageLinks;
import io.modelloop.training.TrainingPipeline;
import io.modelloop.web.auth.UserDirectory;
import io.modelloop.web.auth.WebAuthSettings;
import java.util.List;
import java.util.Map;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.PropertyInject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The web console and the JSON API (routes/api.yaml calls these beans by name), and who may
 * sign in: the users file, the first operator of a local run, the session settings.
 */
@Configuration
public class WebConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(WebConfiguration.class);

    private final Settings settings;
    private final Map<String, Object> about;
    private String firstOperatorPassword;
    private WebConsole console;

    @PropertyInject("modelloop.review.show-detected-label")
    boolean showDetectedLabel;

    @PropertyInject("modelloop.web.secure-cookies")
    String secureCookies;

    /** @param about what /api/status says about this instance (profile, bucket, ports) */
    public WebConfiguration(Settings settings, Map<String, Object> about) {
        this.settings = settings;
        this.about = about;
    }

    @BindToRegistry("parameterApi")
    public ParameterApi parameterApi(ParameterService parameterService) {
        return new ParameterApi(parameterService);
    }

    @BindToRegistry("statusApi")
    @SuppressWarnings("unchecked")
    public StatusApi statusApi(ParameterService parameterService, SystemStateRepository systemState,
                               NotificationSinkHealth sinkHealth, LeaderElection leaderElection, CamelContext camel) {
        List<WorkflowTimer> timers = camel.getRegistry().lookupByNameAndType("workflowTimers", List.class);
        return new StatusApi(about, parameterService, systemState, timers, sinkHealth, leaderElection);
    }

    @BindToRegistry("modelApi")
    public ModelApi modelApi(ModelBackend modelBackend, SystemStateRepository systemState, TrainingPipeline trainingPipeline,
                             RunStore runStore, CamelContext camel) {
        return new ModelApi(modelBackend, systemState, camel.createProducerTemplate(), trainingPipeline, runStore);
    }

    @BindToRegistry("runApi")
    public RunApi runApi(RunStore runStore) {
        return new RunApi(runStore);
    }

    @BindToRegistry("detectionApi")
    public DetectionApi detectionApi(DetectionStore detectionStore, ParameterService parameterService, S3Client s3Client) {
        return new DetectionApi(detectionStore, () -> parameterService.values().minimumLabelDetectionConfidence(), s3Client);
    }

    @BindToRegistry("reviewApi")
    public ReviewApi reviewApi(HumanReview humanReview, ImageLinks imageLinks) {
        return new ReviewApi(humanReview, imageLinks::link, showDetectedLabel);
    }

    @BindToRegistry("notificationApi")
    public NotificationApi notificationApi(NotificationLog notificationLog) {
        return new NotificationApi(notificationLog);
    }

    @BindToRegistry("userDirectory")
    public UserDirectory userDirectory() {
        UserDirectory users = new UserDirectory(WebAuthSettings.usersFile(settings), settings.asMap());
        firstOperatorPassword = WebAuthSettings.createFirstOperator(settings, users);
        if (users.isEmpty()) {
            LOG.warn("No console users are configured: nobody can sign in. Add NAME=ROLE:HASH lines to {} "
                    + "(hashes from `modelloop hash-password`)", users.file());
        }
        console = new WebConsole(WebAuthSettings.authenticator(settings, users, WebAuthSettings.newCliToken(settings)),
                secureCookies, WebAuthSettings.trustedProxies(settings));
        return users;
    }

    /** The console's HTTP handlers; a Camel service started after Camel Main's HTTP server. */
    public WebConsole console() {
        return console;
    }

    /** The first operator's password when this start created it (shown once), else null. */
    public String firstOperatorPassword() {
        return firstOperatorPassword;
    }
}
