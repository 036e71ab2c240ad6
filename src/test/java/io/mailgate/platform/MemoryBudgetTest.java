package io.mailgate.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import io.mailgate.platform.http.ApiException;

/** Large bodies reserve memory from a budget; a queue message over the limit is refused before it is parsed. */
class MemoryBudgetTest {

    @Test
    void largeBodiesShareTheBudgetAndSmallOnesAreFree() {
        MemoryBudget budget = new MemoryBudget(8L * 1024 * 1024, 1024);
        assertNotNull(budget.tryReserve(100), "small bodies cost nothing");
        MemoryBudget.Reservation first = budget.tryReserve(1024 * 1024);
        assertNotNull(first, "4 MB of 8 MB");
        assertNotNull(budget.tryReserve(1024 * 1024), "the other 4 MB");
        assertNull(budget.tryReserve(1024 * 1024), "spent: the caller answers 503");
        first.release();
        first.release();
        assertNotNull(budget.tryReserve(1024 * 1024), "released once, usable again");
    }

    @Test
    void aDeliveryHoldsItsReservationUntilItsRouteGivesItBack() throws Exception {
        MemoryBudget budget = new MemoryBudget(8L * 1024 * 1024, 1024);
        Exchange delivery = exchange("unused");
        delivery.getMessage().setBody((MemoryBudget.Sized) () -> 1024 * 1024);
        budget.reserveForDelivery(delivery);
        Object held = delivery.getProperty(MemoryBudget.RESERVATION);
        assertNotNull(held, "4 MB held");
        assertNotNull(budget.tryReserve(1024 * 1024), "the other 4 MB");
        assertNull(budget.tryReserve(1024 * 1024), "spent while the delivery runs");
        budget.release(held);
        budget.release(held);
        budget.release(null);
        assertNotNull(budget.tryReserve(1024 * 1024), "given back once, when the delivery completed");
    }

    @Test
    void aQueueMessageOverTheLimitIsCutForItsDeadLetterAndRefused() throws Exception {
        MemoryBudget budget = new MemoryBudget(64L * 1024 * 1024, 100_000);
        Exchange big = exchange("x".repeat(200_000));
        ApiException refused = assertThrows(ApiException.class, () -> budget.admitQueueMessage(big));
        assertTrue(refused.getMessage().contains("limit of 100000"), refused.getMessage());
        String kept = big.getProperty("payload", String.class);
        assertTrue(kept.length() < 70_000 && kept.endsWith("(cut: the message had 200000 characters)"), kept.substring(kept.length() - 60));

        Exchange announced = exchange("never read");
        announced.getMessage().setHeader("_AMQ_LARGE_SIZE", 10_000_000L);
        assertThrows(ApiException.class, () -> budget.admitQueueMessage(announced));
        assertEquals("(not kept: the message had 10000000 bytes)", announced.getProperty("payload"));

        Exchange small = exchange("{\"subject\":\"hi\"}");
        budget.admitQueueMessage(small);
        assertEquals("{\"subject\":\"hi\"}", small.getProperty("payload"));
    }

    private static Exchange exchange(String body) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getMessage().setBody(body);
        return exchange;
    }
}
