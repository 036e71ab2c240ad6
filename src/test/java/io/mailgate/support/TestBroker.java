package io.mailgate.support;

import java.nio.file.Path;

import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;

/** A broker of its own for tests of Mailgate on an external broker: persistent Artemis speaking core and AMQP 1.0 on one port. */
public final class TestBroker implements AutoCloseable {

    private final EmbeddedActiveMQ broker;
    private final int port;

    private TestBroker(EmbeddedActiveMQ broker, int port) {
        this.broker = broker;
        this.port = port;
    }

    public static TestBroker start() throws Exception {
        int port = MailgateInstance.freePort();
        Path dir = MailgateInstance.tempDir();
        ConfigurationImpl config = new ConfigurationImpl();
        config.setPersistenceEnabled(true);
        config.setSecurityEnabled(false);
        config.setJournalDirectory(dir.resolve("journal").toString());
        config.setBindingsDirectory(dir.resolve("bindings").toString());
        config.setLargeMessagesDirectory(dir.resolve("large").toString());
        config.setPagingDirectory(dir.resolve("paging").toString());
        config.addAcceptorConfiguration("tcp", "tcp://127.0.0.1:" + port + "?protocols=CORE,AMQP");
        EmbeddedActiveMQ broker = new EmbeddedActiveMQ();
        broker.setConfiguration(config);
        broker.start();
        return new TestBroker(broker, port);
    }

    public int port() {
        return port;
    }

    /** MAILGATE_BROKER_URL for this broker, in the scheme given ("tcp" for core, "amqp"). */
    public String url(String scheme) {
        return scheme + "://127.0.0.1:" + port;
    }

    @Override
    public void close() throws Exception {
        broker.stop();
    }
}
