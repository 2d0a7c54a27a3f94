package io.modelloop.provision;

/** One kind of AWS resource ModelLoop needs: made idempotently by bootstrap, removed by teardown. */
public interface AwsResource {

    /** Kind and name, e.g. "SQS queue modelloop-s3-events". */
    String describe();

    /** Creates the resource, or brings it to the wanted settings; never destroys anything. */
    Outcome ensure();

    /** Deletes what {@link #ensure()} made; reports not found when it was not there. */
    Outcome remove();
}
