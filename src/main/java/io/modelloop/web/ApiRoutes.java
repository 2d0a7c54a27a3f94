package io.modelloop.web;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.rest.RestBindingMode;

/** The JSON API under /api on the business HTTP server. */
public final class ApiRoutes extends RouteBuilder {

    private final ParameterApi parameterApi;
    private final StatusApi statusApi;

    public ApiRoutes(ParameterApi parameterApi, StatusApi statusApi) {
        this.parameterApi = parameterApi;
        this.statusApi = statusApi;
    }

    @Override
    public void configure() {
        restConfiguration().component("platform-http").bindingMode(RestBindingMode.off);

        rest("/api")
            .get("/parameters").id("api-parameters-list").produces("application/json").to("direct:api-parameters-list")
            .put("/parameters/{name}").id("api-parameters-set").produces("application/json").to("direct:api-parameters-set")
            .get("/status").id("api-status").produces("application/json").to("direct:api-status");

        from("direct:api-parameters-list").routeId("api-parameters-list-impl").bean(parameterApi, "list");
        from("direct:api-parameters-set").routeId("api-parameters-set-impl").bean(parameterApi, "set");
        from("direct:api-status").routeId("api-status-impl").bean(statusApi, "status");
    }
}
