package io.modelloop.provision;

import software.amazon.awssdk.services.ssm.model.ParameterAlreadyExistsException;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;
import software.amazon.awssdk.services.ssm.model.ParameterType;

/**
 * One parameter under the SSM prefix. Bootstrap writes the default only where nothing is stored:
 * a value an operator set is never replaced (Overwrite=false guards a race with the console too).
 */
final class ParameterResource implements AwsResource {

    private final AwsContext aws;
    private final String name;
    /** Null for the machine-written entries, which teardown removes but bootstrap never writes. */
    private final String defaultValue;

    ParameterResource(AwsContext aws, String name, String defaultValue) {
        this.aws = aws;
        this.name = name;
        this.defaultValue = defaultValue;
    }

    private String path() {
        return aws.parameterPrefix() + name;
    }

    private String arn() {
        return "parameter " + path();
    }

    @Override
    public String describe() {
        return "SSM parameter " + path();
    }

    @Override
    public Outcome ensure() {
        if (exists()) {
            return Outcome.exists();
        }
        if (defaultValue == null) {
            return Outcome.kept("written by ModelLoop itself");
        }
        try {
            aws.run("ssm:PutParameter", arn(), () -> aws.ssm().putParameter(b -> b.name(path()).value(defaultValue)
                    .type(ParameterType.STRING).overwrite(false)));
            return Outcome.created().note("default " + defaultValue);
        } catch (ParameterAlreadyExistsException raced) {
            return Outcome.exists();
        }
    }

    private boolean exists() {
        try {
            aws.run("ssm:GetParameter", arn(), () -> aws.ssm().getParameter(b -> b.name(path())));
            return true;
        } catch (ParameterNotFoundException e) {
            return false;
        }
    }

    @Override
    public Outcome remove() {
        try {
            aws.run("ssm:DeleteParameter", arn(), () -> aws.ssm().deleteParameter(b -> b.name(path())));
            return Outcome.deleted();
        } catch (ParameterNotFoundException e) {
            return Outcome.notFound();
        }
    }
}
