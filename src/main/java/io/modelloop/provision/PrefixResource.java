package io.modelloop.provision;

import software.amazon.awssdk.core.sync.RequestBody;

/** One prefix of the bucket layout (SPEC section 2), made visible by a folder marker. */
final class PrefixResource implements AwsResource {

    private final AwsContext aws;
    private final String prefix;

    PrefixResource(AwsContext aws, String prefix) {
        this.aws = aws;
        this.prefix = prefix;
    }

    @Override
    public String describe() {
        return "S3 prefix s3://" + aws.bucket() + "/" + prefix;
    }

    @Override
    public Outcome ensure() {
        boolean present = aws.call("s3:ListBucket", aws.bucketArn(), () -> aws.s3().listObjectsV2(b -> b.bucket(aws.bucket())
                .prefix(prefix).maxKeys(1))).keyCount() > 0;
        if (present) {
            return Outcome.exists();
        }
        aws.run("s3:PutObject", aws.bucketArn() + "/" + prefix, () -> aws.s3().putObject(
                b -> b.bucket(aws.bucket()).key(prefix).contentType("application/x-directory"), RequestBody.empty()));
        return Outcome.created();
    }

    @Override
    public Outcome remove() {
        return Outcome.kept("goes with the bucket");
    }
}
