package io.modelloop.testing;

import org.apache.camel.builder.RouteBuilder;

/** A route standing in for direct:NAME (e.g. the detection route) that hands every exchange to mock:NAME. */
public final class StandIn {

    private StandIn() {
    }

    public static RouteBuilder forDirect(String name) {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:" + name).routeId(name + "-stand-in").to("mock:" + name);
            }
        };
    }
}
