package io.modelloop.web;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.rest.RestBindingMode;

/** The JSON API under /api on the business HTTP server. */
public final class ApiRoutes extends RouteBuilder {

    private final ParameterApi parameterApi;
    private final StatusApi statusApi;
    private final ModelApi modelApi;
    private final RunApi runApi;
    private final ReviewApi reviewApi;
    private final DetectionApi detectionApi;
    private final NotificationApi notificationApi;

    public ApiRoutes(ParameterApi parameterApi, StatusApi statusApi, ModelApi modelApi, RunApi runApi,
                     DetectionApi detectionApi, ReviewApi reviewApi, NotificationApi notificationApi) {
        this.parameterApi = parameterApi;
        this.statusApi = statusApi;
        this.modelApi = modelApi;
        this.runApi = runApi;
        this.reviewApi = reviewApi;
        this.detectionApi = detectionApi;
        this.notificationApi = notificationApi;
    }

    @Override
    public void configure() {
        restConfiguration().component("platform-http").bindingMode(RestBindingMode.off);

        rest("/api")
            .get("/parameters").id("api-parameters-list").produces("application/json").to("direct:api-parameters-list")
            .put("/parameters/{name}").id("api-parameters-set").produces("application/json").to("direct:api-parameters-set")
            .get("/parameters/{name}/history").id("api-parameters-history").produces("application/json").to("direct:api-parameters-history")
            .get("/status").id("api-status").produces("application/json").to("direct:api-status")
            .get("/models").id("api-models").produces("application/json").to("direct:api-models")
            .post("/training/check").id("api-training-check").produces("application/json").to("direct:api-training-check")
            .post("/training/cancel").id("api-training-cancel").produces("application/json").to("direct:api-training-cancel")
            .get("/runs").id("api-runs-list").produces("application/json").to("direct:api-runs-list")
            .get("/runs/{id}").id("api-runs-get").produces("application/json").to("direct:api-runs-get")
            .get("/reviews").id("api-reviews-list").produces("application/json").to("direct:api-reviews-list")
            .post("/reviews/next").id("api-reviews-next").produces("application/json").to("direct:api-reviews-next")
            .get("/reviews/{loop}").id("api-reviews-get").produces("application/json").to("direct:api-reviews-get")
            .get("/reviews/{loop}/image").id("api-reviews-image").to("direct:api-reviews-image")
            .post("/reviews/{loop}/hold").id("api-reviews-hold").produces("application/json").to("direct:api-reviews-hold")
            .post("/reviews/{loop}/release").id("api-reviews-release").produces("application/json").to("direct:api-reviews-release")
            .post("/reviews/{loop}/answer").id("api-reviews-answer").produces("application/json").to("direct:api-reviews-answer")
            .get("/detections").id("api-detections-list").produces("application/json").to("direct:api-detections-list")
            .get("/detections/stats").id("api-detections-stats").produces("application/json").to("direct:api-detections-stats")
            .get("/detections/hourly").id("api-detections-hourly").produces("application/json").to("direct:api-detections-hourly")
            .get("/detections/confidence").id("api-detections-confidence").produces("application/json").to("direct:api-detections-confidence")
            .get("/detections/{id}").id("api-detections-get").produces("application/json").to("direct:api-detections-get")
            .get("/detections/{id}/image").id("api-detections-image").to("direct:api-detections-image")
            .get("/notifications").id("api-notifications-list").produces("application/json").to("direct:api-notifications-list");

        from("direct:api-parameters-list").routeId("api-parameters-list-impl").bean(parameterApi, "list");
        from("direct:api-parameters-set").routeId("api-parameters-set-impl").bean(parameterApi, "set");
        from("direct:api-parameters-history").routeId("api-parameters-history-impl").bean(parameterApi, "history");
        from("direct:api-status").routeId("api-status-impl").bean(statusApi, "status");
        from("direct:api-models").routeId("api-models-impl").bean(modelApi, "models");
        from("direct:api-training-check").routeId("api-training-check-impl").bean(modelApi, "check");
        from("direct:api-training-cancel").routeId("api-training-cancel-impl").bean(modelApi, "cancel");
        from("direct:api-runs-list").routeId("api-runs-list-impl").bean(runApi, "list");
        from("direct:api-runs-get").routeId("api-runs-get-impl").bean(runApi, "get");
        from("direct:api-reviews-list").routeId("api-reviews-list-impl").bean(reviewApi, "list");
        from("direct:api-reviews-get").routeId("api-reviews-get-impl").bean(reviewApi, "get");
        from("direct:api-reviews-image").routeId("api-reviews-image-impl").bean(reviewApi, "image");
        from("direct:api-reviews-next").routeId("api-reviews-next-impl").bean(reviewApi, "next");
        from("direct:api-reviews-hold").routeId("api-reviews-hold-impl").bean(reviewApi, "hold");
        from("direct:api-reviews-release").routeId("api-reviews-release-impl").bean(reviewApi, "release");
        from("direct:api-reviews-answer").routeId("api-reviews-answer-impl").bean(reviewApi, "answer");
        from("direct:api-detections-list").routeId("api-detections-list-impl").bean(detectionApi, "list");
        from("direct:api-detections-stats").routeId("api-detections-stats-impl").bean(detectionApi, "stats");
        from("direct:api-detections-hourly").routeId("api-detections-hourly-impl").bean(detectionApi, "hourly");
        from("direct:api-detections-confidence").routeId("api-detections-confidence-impl").bean(detectionApi, "confidence");
        from("direct:api-detections-get").routeId("api-detections-get-impl").bean(detectionApi, "get");
        from("direct:api-detections-image").routeId("api-detections-image-impl").bean(detectionApi, "image");
        from("direct:api-notifications-list").routeId("api-notifications-list-impl").bean(notificationApi, "list");
    }
}
