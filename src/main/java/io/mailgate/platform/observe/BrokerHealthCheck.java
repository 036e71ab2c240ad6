package io.mailgate.platform.observe;

import java.util.Map;

import jakarta.jms.ConnectionFactory;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/** Ready only while a new connection to the broker can be opened. */
public class BrokerHealthCheck extends AbstractHealthCheck {

    private final ConnectionFactory connections;

    /** @param connections a factory that opens a real connection each time (not the cached one) */
    public BrokerHealthCheck(ConnectionFactory connections) {
        super("mailgate", "broker");
        this.connections = connections;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        try (jakarta.jms.Connection connection = connections.createConnection()) {
            builder.up();
        } catch (Exception e) {
            builder.down().message("The broker cannot be reached: " + e.getMessage());
        }
    }
}
