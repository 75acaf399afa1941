package dev.sluice.tools;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code sluice transactions} and {@code consume --isolation-level}: mistakes named with their fix, before anything runs. */
class TransactionsOptionsTest extends BrokerTestBase {

    @Test
    void theActionIsABareWordAndDescribeNeedsAnId() {
        Result none = sluice("transactions");
        assertThat(none.exitCode()).isEqualTo(2);
        assertThat(none.err()).contains("say what to do: list or describe <transactional.id>")
                .contains("usage: sluice transactions list");
        Result unknown = sluice("transactions", "lsit");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("unknown action 'lsit': use list or describe <transactional.id>");
        Result noId = sluice("transactions", "describe");
        assertThat(noId.exitCode()).isEqualTo(2);
        assertThat(noId.err()).contains("describe needs the transactional id: sluice transactions describe <transactional.id>");
        Result listWithId = sluice("transactions", "list", "tx-1");
        assertThat(listWithId.exitCode()).isEqualTo(2);
        assertThat(listWithId.err()).contains("list shows every transactional id: it takes none");
        Result extra = sluice("transactions", "describe", "a", "b");
        assertThat(extra.exitCode()).isEqualTo(2);
        assertThat(extra.err()).contains("unexpected argument 'b'");
        Result twice = sluice("transactions", "describe", "a", "--transactional-id", "b");
        assertThat(twice.err()).contains("--transactional-id is given twice");
    }

    @Test
    void isolationLevelTakesKafkasTwoNames() {
        Result wrong = sluice("consume", "--topic", "t", "--isolation-level", "committed");
        assertThat(wrong.exitCode()).isEqualTo(2);
        assertThat(wrong.err()).contains("--isolation-level takes read_committed or read_uncommitted, not 'committed'");
    }
}
