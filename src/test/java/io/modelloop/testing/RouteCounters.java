package io.modelloop.testing;

import org.apache.camel.CamelContext;
import org.apache.camel.api.management.ManagedCamelContext;

/** What a route test reads of a step, as Hawtio shows it: the exchanges a processor (by its id) completed. */
public final class RouteCounters {

    private RouteCounters() {
    }

    public static long completed(CamelContext context, String processorId) {
        ManagedCamelContext managed = context.getCamelContextExtension().getContextPlugin(ManagedCamelContext.class);
        return managed.getManagedProcessor(processorId).getExchangesCompleted();
    }
}
