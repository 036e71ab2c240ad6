package io.mailgate.platform;

import org.apache.camel.support.service.ServiceSupport;

/** Closes a resource (the connection pool) when Camel stops, after the routes that use it. */
public class Closer extends ServiceSupport {

    private final AutoCloseable resource;

    public Closer(AutoCloseable resource) {
        this.resource = resource;
    }

    @Override
    protected void doStop() throws Exception {
        resource.close();
    }
}
