package dev.sluice.broker.controller.rules;

import dev.sluice.protocol.Errors;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class IsrUpdateTest {

    private final PartitionLeadership current = new PartitionLeadership(List.of(1, 2, 3), 1, 4, List.of(1));

    private static Errors error(IsrUpdate.Outcome outcome) {
        assertThat(outcome).isInstanceOf(IsrUpdate.Outcome.Rejected.class);
        return ((IsrUpdate.Outcome.Rejected) outcome).error();
    }

    @Test
    void aCaughtUpFollowerJoinsWithoutANewLeaderEpoch() {
        IsrUpdate.Outcome outcome = IsrUpdate.alter(current, 7, 1, 4, 7, List.of(1, 2), Set.of(1, 2, 3));
        assertThat(outcome).isEqualTo(new IsrUpdate.Outcome.Accepted(
                new PartitionLeadership(List.of(1, 2, 3), 1, 4, List.of(1, 2)), true));
        assertThat(IsrUpdate.alter(current, 7, 1, 4, 7, List.of(1), Set.of(1, 2, 3)))
                .isEqualTo(new IsrUpdate.Outcome.Accepted(current, false));
    }

    @Test
    void requestsFromAnOldLeaderOrOnAnOldVersionAreRefused() {
        assertThat(error(IsrUpdate.alter(current, 7, 2, 4, 7, List.of(1, 2), Set.of(1, 2, 3)))).isEqualTo(Errors.INVALID_REQUEST);
        assertThat(error(IsrUpdate.alter(current, 7, 1, 3, 7, List.of(1, 2), Set.of(1, 2, 3)))).isEqualTo(Errors.FENCED_LEADER_EPOCH);
        assertThat(error(IsrUpdate.alter(current, 7, 1, 4, 6, List.of(1, 2), Set.of(1, 2, 3)))).isEqualTo(Errors.INVALID_UPDATE_VERSION);
    }

    @Test
    void theNewIsrMustHoldTheLeaderOnlyReplicasAndNoIneligibleNewcomer() {
        assertThat(error(IsrUpdate.alter(current, 7, 1, 4, 7, List.of(2), Set.of(1, 2, 3)))).isEqualTo(Errors.INVALID_REQUEST);
        assertThat(error(IsrUpdate.alter(current, 7, 1, 4, 7, List.of(1, 9), Set.of(1, 2, 3, 9)))).isEqualTo(Errors.INVALID_REQUEST);
        assertThat(error(IsrUpdate.alter(current, 7, 1, 4, 7, List.of(1, 3), Set.of(1, 2)))).isEqualTo(Errors.INELIGIBLE_REPLICA);
    }
}
