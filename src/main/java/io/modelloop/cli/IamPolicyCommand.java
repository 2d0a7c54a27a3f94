package io.modelloop.cli;

import io.modelloop.provision.AccessRefusedException;
import io.modelloop.provision.AwsContext;
import io.modelloop.provision.IamPolicy;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "iam-policy", mixinStandardHelpOptions = true,
        description = {"Prints a least-privilege IAM policy (JSON) for ModelLoop at run time, built from the configured names,"
                + " region and account: every Resource is a concrete ARN.",
                "With --bootstrap it prints the policy for the bootstrap and teardown commands instead."},
        footer = {"", "Exit codes: 0 printed, 1 failure (e.g. no region), 2 bad arguments, 3 access denied (STS)."})
final class IamPolicyCommand extends SubCommand implements Callable<Integer> {

    @Option(names = "--account", paramLabel = "ID", description = "AWS account id for the ARNs. Default: STS GetCallerIdentity.")
    String account;
    @Option(names = "--bootstrap", description = "The policy of the bootstrap and teardown commands.")
    boolean bootstrap;
    @Option(names = "--a2i-role-arn", paramLabel = "ARN", description = "With --bootstrap: the A2I role bootstrap may pass to the flow definition.")
    String roleArn;

    @Override
    public Integer call() {
        Map<String, String> extra = new HashMap<>();
        extra.put("modelloop.aws.account", account);
        PrintWriter out = out();
        try (AwsContext aws = new AwsContext(AwsCommands.settings(effectiveOptions(), extra))) {
            IamPolicy policy = new IamPolicy(aws);
            out.println(IamPolicy.json(bootstrap ? policy.bootstrap(roleArn) : policy.runtime()));
            if (bootstrap && aws.a2iReview() && (roleArn == null || roleArn.isBlank())) {
                err().println("modelloop iam-policy: without --a2i-role-arn the policy lacks iam:PassRole,"
                        + " which creating the A2I flow definition needs.");
            }
            return 0;
        } catch (AccessRefusedException e) {
            return AwsCommands.refused(e, "iam-policy", err());
        }
    }
}
