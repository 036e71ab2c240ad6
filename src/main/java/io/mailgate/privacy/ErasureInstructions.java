package io.mailgate.privacy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

/**
 * Gathers the instructions of every visited collection of one dataset, in collection-name order,
 * so that the erasure email is written only after all collections were visited.
 */
public class ErasureInstructions implements AggregationStrategy {

    @Override
    @SuppressWarnings("unchecked")
    public Exchange aggregate(Exchange gathered, Exchange visited) {
        ErasureFulfillment.Instruction instruction = visited.getMessage().getBody(ErasureFulfillment.Instruction.class);
        if (gathered == null) {
            List<ErasureFulfillment.Instruction> first = new ArrayList<>();
            first.add(instruction);
            visited.getMessage().setBody(first);
            return visited;
        }
        List<ErasureFulfillment.Instruction> all = gathered.getMessage().getBody(List.class);
        all.add(instruction);
        all.sort(Comparator.comparing(ErasureFulfillment.Instruction::collection));
        return gathered;
    }
}
