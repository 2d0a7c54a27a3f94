package io.modelloop.provision;

import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.rekognition.model.ProjectDescription;
import software.amazon.awssdk.services.rekognition.model.ProjectVersionDescription;
import software.amazon.awssdk.services.rekognition.model.ProjectVersionStatus;

/**
 * The Rekognition Custom Labels project. Teardown stops its running versions, which bill per
 * inference-unit hour; the project and its trained versions are kept (retraining costs money
 * too): delete them in the Rekognition console when they are no longer wanted.
 */
final class RekognitionProjectResource implements AwsResource {

    private static final List<ProjectVersionStatus> BILLING = List.of(ProjectVersionStatus.RUNNING, ProjectVersionStatus.STARTING);

    private final AwsContext aws;

    RekognitionProjectResource(AwsContext aws) {
        this.aws = aws;
    }

    @Override
    public String describe() {
        return "Rekognition project " + aws.rekognitionProject();
    }

    private String resource() {
        return "project " + aws.rekognitionProject();
    }

    @Override
    public Outcome ensure() {
        Optional<String> arn = find();
        if (arn.isPresent()) {
            return Outcome.exists().note(arn.get());
        }
        String created = aws.call("rekognition:CreateProject", resource(),
                () -> aws.rekognition().createProject(b -> b.projectName(aws.rekognitionProject())).projectArn());
        return Outcome.created().note(created);
    }

    private Optional<String> find() {
        String name = aws.rekognitionProject();
        return aws.call("rekognition:DescribeProjects", resource(), () -> aws.rekognition()
                .describeProjectsPaginator(b -> b.projectNames(name)).projectDescriptions().stream()
                .filter(p -> p.projectArn().contains(":project/" + name + "/"))
                .filter(p -> !"DELETING".equals(p.statusAsString()))
                .map(ProjectDescription::projectArn).findFirst());
    }

    @Override
    public Outcome remove() {
        Optional<String> arn = find();
        if (arn.isEmpty()) {
            return Outcome.notFound();
        }
        List<ProjectVersionDescription> running = aws.call("rekognition:DescribeProjectVersions", arn.get(), () -> aws.rekognition()
                .describeProjectVersionsPaginator(b -> b.projectArn(arn.get())).projectVersionDescriptions().stream()
                .filter(v -> BILLING.contains(v.status())).toList());
        for (ProjectVersionDescription v : running) {
            aws.run("rekognition:StopProjectVersion", v.projectVersionArn(),
                    () -> aws.rekognition().stopProjectVersion(b -> b.projectVersionArn(v.projectVersionArn())));
        }
        return Outcome.kept("stopped " + running.size() + " running version(s); project and trained versions kept");
    }
}
