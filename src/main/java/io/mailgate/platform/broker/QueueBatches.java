package io.mailgate.platform.broker;

import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.jms.BytesMessage;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.service.ServiceSupport;

/**
 * Consumes a queue in batches: each consumer thread takes the messages waiting (up to a batch) in one
 * transacted JMS session, hands each to a route as an exchange of its own — all of a batch at the
 * same time, so that their mails share the database's commits (group commit) — and commits the
 * session, acknowledging the whole batch, once every one of them was stored or dead-lettered. When
 * one of them fails in a way its route did not handle (the database is down), the session is rolled
 * back and the broker redelivers the batch; messages already stored are known again by their
 * idempotency key and make no second mail. A redelivered message ends a batch (taken first, it is a
 * batch of its own), so that a message that keeps failing takes fresh batch-mates back with it once at
 * most and never carries their redelivery counts to the broker's dead-letter queue.
 */
public final class QueueBatches extends ServiceSupport {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(QueueBatches.class);
    private static final long RECEIVE_TIMEOUT_MILLIS = 500;
    private static final long RECONNECT_MILLIS = 2_000;

    private final CamelContext context;
    private final ConnectionFactory connections;
    private final String queue;
    private final String selector;
    private final String endpoint;
    private final int consumers;
    private final int batchSize;
    private final long batchBytes;
    private final int workers;
    private final io.micrometer.core.instrument.DistributionSummary batches;
    private ProducerTemplate template;
    private ExecutorService consumerThreads;
    private ExecutorService workerThreads;
    private volatile boolean running;

    /**
     * @param consumers threads that each take a batch at a time
     * @param batchSize messages one session takes at most before it commits
     * @param batchBytes bytes of message bodies after which a session takes no more into its batch: a JMS
     *                   consumer holds each message whole, so a batch of large ones must stop early
     * @param workers messages handled at the same time, over all batches
     * @param meters where the sizes of the batches taken are counted ({@code mailgate.queue.batch})
     */
    public QueueBatches(CamelContext context, ConnectionFactory connections, String queue, String selector, String endpoint,
                        int consumers, int batchSize, long batchBytes, int workers,
                        io.micrometer.core.instrument.MeterRegistry meters) {
        this.context = context;
        this.connections = connections;
        this.queue = queue;
        this.selector = selector;
        this.endpoint = endpoint;
        this.consumers = consumers;
        this.batchSize = batchSize;
        this.batchBytes = batchBytes;
        this.workers = workers;
        this.batches = io.micrometer.core.instrument.DistributionSummary.builder("mailgate.queue.batch")
                .description("Messages taken from a queue in one broker transaction").tag("queue", queue).register(meters);
    }

    @Override
    protected void doStart() throws Exception {
        // Stop taking batches as soon as the context begins to stop, before the route they go to does.
        context.getManagementStrategy().addEventNotifier(new org.apache.camel.support.SimpleEventNotifierSupport() {
            @Override
            public void notify(org.apache.camel.spi.CamelEvent event) {
                if (event.getType() == org.apache.camel.spi.CamelEvent.Type.CamelContextStopping) {
                    running = false;
                }
            }
        });
        template = context.createProducerTemplate();
        workerThreads = context.getExecutorServiceManager().newFixedThreadPool(this, "QueueBatches[" + queue + "]", workers);
        consumerThreads = context.getExecutorServiceManager().newFixedThreadPool(this, "QueueBatchConsumer[" + queue + "]", consumers);
        running = true;
        for (int i = 0; i < consumers; i++) {
            consumerThreads.submit(this::consume);
        }
    }

    @Override
    protected void doStop() throws Exception {
        running = false;
        context.getExecutorServiceManager().shutdownGraceful(consumerThreads, 10_000);
        context.getExecutorServiceManager().shutdownNow(workerThreads);
        template.stop();
    }

    /** One consumer thread: a session of its own, batches until stopped; after a broker failure, a new session. */
    private void consume() {
        while (running) {
            try (JMSContext session = connections.createContext(JMSContext.SESSION_TRANSACTED);
                 JMSConsumer consumer = session.createConsumer(session.createQueue(queue), selector)) {
                while (running) {
                    List<Message> batch = take(consumer);
                    if (batch.isEmpty()) {
                        continue;
                    }
                    batches.record(batch.size());
                    if (handle(batch)) {
                        session.commit();
                    } else {
                        session.rollback();
                    }
                }
            } catch (JMSRuntimeException | IllegalStateException e) {
                if (running) {
                    LOG.warn("Consuming {} failed ({}); a new session in {} ms", queue, e.getClass().getSimpleName(), RECONNECT_MILLIS);
                    pause();
                }
            } catch (RuntimeException e) {
                LOG.error("Consuming {} failed ({}); a new session in {} ms", queue, e.getClass().getSimpleName(), RECONNECT_MILLIS, e);
                pause();
            }
        }
    }

    /**
     * The next message (waiting for it a little), and whatever else is waiting, up to a batch. A redelivered
     * message ends a batch: taken first it is a batch of its own, met later it is the batch's last, so a
     * message that keeps failing takes a fresh batch back with it once at most.
     */
    private List<Message> take(JMSConsumer consumer) {
        List<Message> batch = new ArrayList<>();
        Message first = consumer.receive(RECEIVE_TIMEOUT_MILLIS);
        if (first == null) {
            return batch;
        }
        batch.add(first);
        if (redelivered(first)) {
            return batch;
        }
        long bytes = size(first);
        for (Message next; batch.size() < batchSize && bytes < batchBytes && (next = consumer.receiveNoWait()) != null; ) {
            batch.add(next);
            bytes += size(next);
            if (redelivered(next)) {
                break;
            }
        }
        return batch;
    }

    private static boolean redelivered(Message message) {
        try {
            return message.getJMSRedelivered();
        } catch (JMSException e) {
            return true;
        }
    }

    /** What a message's body holds in memory, about. */
    private static long size(Message message) {
        try {
            if (message instanceof TextMessage text) {
                String body = text.getText();
                return body == null ? 0 : body.length() * 2L;
            }
            return message instanceof BytesMessage bytes ? bytes.getBodyLength() : 0;
        } catch (JMSException e) {
            return 0;
        }
    }

    /** Every message of the batch through the route, at once; true when each was stored or dead-lettered. */
    private boolean handle(List<Message> batch) {
        List<CompletableFuture<Exchange>> handled = new ArrayList<>(batch.size());
        for (Message message : batch) {
            Exchange exchange = exchange(message);
            handled.add(CompletableFuture.supplyAsync(() -> template.send(endpoint, exchange), workerThreads));
        }
        boolean all = true;
        for (CompletableFuture<Exchange> future : handled) {
            Exchange done = future.join();
            if (done.isFailed()) {
                all = false;
                LOG.warn("A message from {} could not be stored ({}); the batch of {} goes back to the broker", queue,
                        done.getException() == null ? "rolled back" : done.getException().getClass().getSimpleName(), batch.size());
            }
        }
        return all;
    }

    /** The message as Camel's JMS consumer presents it: the text as body, its properties and JMSMessageID as headers. */
    private Exchange exchange(Message message) {
        Exchange exchange = new DefaultExchange(context);
        try {
            org.apache.camel.Message in = exchange.getMessage();
            in.setBody(message instanceof TextMessage text ? text.getText()
                    : message instanceof BytesMessage bytes ? bytes.getBody(byte[].class) : message.getBody(Object.class));
            in.setHeader("JMSMessageID", message.getJMSMessageID());
            for (Enumeration<?> names = message.getPropertyNames(); names.hasMoreElements(); ) {
                String name = (String) names.nextElement();
                in.setHeader(name, message.getObjectProperty(name));
            }
        } catch (JMSException e) {
            throw new JMSRuntimeException(e.getMessage(), e.getErrorCode(), e);
        }
        return exchange;
    }

    private static void pause() {
        try {
            TimeUnit.MILLISECONDS.sleep(RECONNECT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
