package io.modelloop.cli;

import io.modelloop.provision.AccessRefusedException;
import io.modelloop.provision.AwsContext;
import io.modelloop.provision.Bootstrap;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "bootstrap", mixinStandardHelpOptions = true,
        description = {"Creates on AWS what ModelLoop needs, idempotently: bucket and prefixes, SQS queue with dead-letter queue"
                + " and bucket notification, SNS topic (and e-mail subscription), parameters with defaults, DynamoDB table(s),"
                + " Rekognition project and A2I task UI and flow definition when those backends are configured.",
                "Prints one line per resource: created, exists or updated. Existing parameter values are never changed."},
        footer = {"", "Exit codes: 0 done, 1 failure (e.g. missing configuration), 2 bad arguments, 3 access denied by AWS."})
final class BootstrapCommand extends SubCommand implements Callable<Integer> {

    @Option(names = "--email", paramLabel = "ADDRESS", description = "Subscribe this address to the SNS topic (SNS mails a confirmation link).")
    String email;
    @Option(names = "--a2i-workteam-arn", paramLabel = "ARN", description = "Private work team of the A2I flow definition (review backend a2i).")
    String workteamArn;
    @Option(names = "--a2i-role-arn", paramLabel = "ARN", description = "Role A2I assumes for the flow definition (review backend a2i).")
    String roleArn;
    @Option(names = "--max-receive-count", paramLabel = "N",
            description = "Receives before a message moves to the dead-letter queue. Default 5 (modelloop.sqs.max-receive-count).")
    Integer maxReceiveCount;

    @Override
    public Integer call() {
        Map<String, String> extra = new HashMap<>();
        extra.put("modelloop.sqs.max-receive-count", maxReceiveCount == null ? null : maxReceiveCount.toString());
        try (AwsContext aws = new AwsContext(AwsCommands.settings(effectiveOptions(), extra))) {
            Bootstrap.run(aws, new Bootstrap.Options(email, workteamArn, roleArn), out());
            return 0;
        } catch (AccessRefusedException e) {
            return AwsCommands.refused(e, "bootstrap", err());
        }
    }
}
