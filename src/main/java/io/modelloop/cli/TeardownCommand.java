package io.modelloop.cli;

import io.modelloop.provision.AccessRefusedException;
import io.modelloop.provision.AwsContext;
import io.modelloop.provision.AwsResource;
import io.modelloop.provision.Teardown;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "teardown", mixinStandardHelpOptions = true,
        description = {"Removes what bootstrap made on AWS: stops running Rekognition models, deletes the A2I flow definition and"
                + " task UI, the bucket notification entries, the queues, the topic and the parameters.",
                "The data (the bucket with all its objects, the DynamoDB tables) is deleted only after you type the bucket"
                + " name, or with --yes; --keep-data keeps it."},
        footer = {"", "Exit codes: 0 done, 1 failure or data kept because the confirmation did not match, 2 bad arguments,"
                + " 3 access denied by AWS."})
final class TeardownCommand extends SubCommand implements Callable<Integer> {

    @Option(names = "--yes", description = "Delete the bucket and table(s) without asking.")
    boolean yes;
    @Option(names = "--keep-data", description = "Keep the bucket and the DynamoDB table(s).")
    boolean keepData;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = out();
        PrintWriter err = err();
        try (AwsContext aws = new AwsContext(AwsCommands.settings(effectiveOptions(), Map.of()))) {
            List<AwsResource> data = Teardown.data(aws);
            // asked before anything is deleted, so the answer does not wait behind the other deletions
            boolean deleteData = !keepData && (yes || confirmed(aws.bucket(), data, out));
            Teardown.remove(Teardown.resources(aws), out);
            if (deleteData) {
                Teardown.remove(data, out);
                return 0;
            }
            data.forEach(r -> out.println(String.format("%-9s %s", "kept", r.describe())));
            if (!keepData) {
                err.println("modelloop teardown: the answer did not match the bucket name; the data was kept.");
                return 1;
            }
            return 0;
        } catch (AccessRefusedException e) {
            return AwsCommands.refused(e, "teardown", err);
        }
    }

    private static boolean confirmed(String bucket, List<AwsResource> data, PrintWriter out) throws IOException {
        out.println("This deletes " + data.stream().map(AwsResource::describe).collect(Collectors.joining(", "))
                + " with everything in them.");
        out.print("Type the bucket name (" + bucket + ") to delete them, anything else keeps them: ");
        out.flush();
        String answer = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        return answer != null && answer.trim().equals(bucket);
    }
}
