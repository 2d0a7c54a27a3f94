package io.modelloop.provision;

import java.util.List;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/** The bucket. Holds the data: teardown deletes it (objects first) only when asked to. */
final class BucketResource implements AwsResource {

    private final AwsContext aws;

    BucketResource(AwsContext aws) {
        this.aws = aws;
    }

    @Override
    public String describe() {
        return "S3 bucket " + aws.bucket();
    }

    @Override
    public Outcome ensure() {
        if (exists()) {
            return Outcome.exists();
        }
        String region = aws.region();
        aws.run("s3:CreateBucket", aws.bucketArn(), () -> aws.s3().createBucket(b -> {
            b.bucket(aws.bucket());
            // us-east-1 is the one region that refuses an explicit location constraint (S3 API reference,
            // CreateBucketConfiguration: none means us-east-1). The String overload: the SDK's enum lacks
            // newer regions (ca-west-1, mx-central-1, ...) and sent the text "null" for them
            if (!"us-east-1".equals(region)) {
                b.createBucketConfiguration(c -> c.locationConstraint(region));
            }
        }));
        return Outcome.created();
    }

    private boolean exists() {
        try {
            aws.run("s3:ListBucket", aws.bucketArn(), () -> aws.s3().headBucket(b -> b.bucket(aws.bucket())));
            return true;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public Outcome remove() {
        if (!exists()) {
            return Outcome.notFound();
        }
        int deleted = 0;
        for (var page : aws.call("s3:ListBucket", aws.bucketArn(),
                () -> aws.s3().listObjectsV2Paginator(b -> b.bucket(aws.bucket())))) {
            List<ObjectIdentifier> keys = page.contents().stream().map(S3Object::key)
                    .map(k -> ObjectIdentifier.builder().key(k).build()).toList();
            if (!keys.isEmpty()) {
                aws.run("s3:DeleteObject", aws.bucketArn() + "/*",
                        () -> aws.s3().deleteObjects(b -> b.bucket(aws.bucket()).delete(d -> d.objects(keys).quiet(true))));
                deleted += keys.size();
            }
        }
        aws.run("s3:DeleteBucket", aws.bucketArn(), () -> aws.s3().deleteBucket(b -> b.bucket(aws.bucket())));
        return Outcome.deleted().note(deleted + " object(s) deleted with it");
    }
}
