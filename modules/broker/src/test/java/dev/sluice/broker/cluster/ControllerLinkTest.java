package dev.sluice.broker.cluster;

import dev.sluice.api.Time;
import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.Request;
import dev.sluice.protocol.RequestParser;
import dev.sluice.protocol.ResponseWriter;
import dev.sluice.protocol.Send;
import dev.sluice.protocol.message.Struct;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The broker's link to the controller against fake controllers on loopback (each answers
 * ControlledShutdown with a chosen error): it finds the controller through its locator, follows it
 * when the one it reached answers NOT_CONTROLLER or goes away, returns every other answer as is,
 * gives up at the request's deadline, and fails what is pending when closed.
 */
class ControllerLinkTest {
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
    }

    /** A one-connection-at-a-time Kafka server answering every request with {@code answer}. */
    private static final class FakeBroker implements AutoCloseable {
        final ServerSocketChannel server;
        final List<Request> received = new CopyOnWriteArrayList<>();
        final Thread thread;
        volatile Function<Request, Struct> answer;

        FakeBroker(Function<Request, Struct> answer) throws IOException {
            this.answer = answer;
            this.server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            this.thread = new Thread(this::serve, "fake-broker-" + port());
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return server.socket().getLocalPort();
        }

        private void serve() {
            while (server.isOpen()) {
                try (SocketChannel out = server.accept()) {
                    DataInputStream in = new DataInputStream(out.socket().getInputStream());
                    while (true) {
                        byte[] frame = new byte[in.readInt()];
                        in.readFully(frame);
                        Request request = RequestParser.parse(ByteBuffer.wrap(frame));
                        received.add(request);
                        Send send = ResponseWriter.write(request.header(), answer.apply(request));
                        while (!send.writeTo(out)) {
                            Thread.onSpinWait();
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    // the client went away, the server was closed, or the answer "crashed": drop the connection
                }
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    private static Struct shutdownAnswer(Errors error) {
        return ApiKey.CONTROLLED_SHUTDOWN.newResponse().set("ErrorCode", error.code());
    }

    private static Struct shutdownRequest() {
        return ApiKey.CONTROLLED_SHUTDOWN.newRequest().set("BrokerId", 7).set("BrokerEpoch", 42L);
    }

    private FakeBroker fake(Errors answer) throws IOException {
        FakeBroker fake = new FakeBroker(r -> shutdownAnswer(answer));
        closeables.add(fake);
        return fake;
    }

    private ControllerLink link(ControllerLink.ControllerLocator locator) {
        ControllerLink link = new ControllerLink(7, locator, 5_000, 10, Time.SYSTEM);
        closeables.add(0, link);
        return link;
    }

    private static ControllerLink.Controller at(int id, FakeBroker broker) {
        return new ControllerLink.Controller(id, "127.0.0.1", broker.port());
    }

    @Test
    void aRequestReachesTheControllerAndItsAnswerCompletesTheFuture() throws Exception {
        FakeBroker controller = fake(Errors.NONE);
        ControllerLink link = link(() -> Optional.of(at(1, controller)));

        Struct answer = link.send(ApiKey.CONTROLLED_SHUTDOWN, (short) 3, shutdownRequest(), 10_000).get(10, TimeUnit.SECONDS);
        Struct second = link.send(ApiKey.CONTROLLED_SHUTDOWN, (short) 1, shutdownRequest(), 10_000).get(10, TimeUnit.SECONDS);

        assertThat(Errors.forCode(answer.getShort("ErrorCode"))).isEqualTo(Errors.NONE);
        assertThat(Errors.forCode(second.getShort("ErrorCode"))).isEqualTo(Errors.NONE);
        assertThat(controller.received).hasSize(2);
        assertThat(controller.received.get(0).version()).isEqualTo((short) 3);
        assertThat(controller.received.get(0).body().getLong("BrokerEpoch")).isEqualTo(42L);
        assertThat(controller.received.get(0).header().clientId()).isEqualTo("sluice-broker-7");
        assertThat(controller.received.get(1).version()).isEqualTo((short) 1);
    }

    @Test
    void notControllerMakesTheLinkLookTheControllerUpAgainAndRetryThere() throws Exception {
        FakeBroker old = fake(Errors.NOT_CONTROLLER);
        FakeBroker current = fake(Errors.NONE);
        AtomicReference<ControllerLink.Controller> where = new AtomicReference<>(at(1, old));
        old.answer = r -> {
            where.set(at(2, current)); // the controller moved while the request was on its way
            return shutdownAnswer(Errors.NOT_CONTROLLER);
        };
        ControllerLink link = link(() -> Optional.of(where.get()));

        Struct answer = link.send(ApiKey.CONTROLLED_SHUTDOWN, (short) 3, shutdownRequest(), 10_000).get(10, TimeUnit.SECONDS);

        assertThat(Errors.forCode(answer.getShort("ErrorCode"))).isEqualTo(Errors.NONE);
        assertThat(old.received).hasSize(1);
        assertThat(current.received).hasSize(1);
    }

    @Test
    void otherErrorsAreTheCallersToInterpretAndAreNotRetried() throws Exception {
        FakeBroker controller = fake(Errors.STALE_BROKER_EPOCH);
        ControllerLink link = link(() -> Optional.of(at(1, controller)));

        Struct answer = link.send(ApiKey.CONTROLLED_SHUTDOWN, (short) 3, shutdownRequest(), 10_000).get(10, TimeUnit.SECONDS);

        assertThat(Errors.forCode(answer.getShort("ErrorCode"))).isEqualTo(Errors.STALE_BROKER_EPOCH);
        assertThat(controller.received).hasSize(1);
    }

    @Test
    void withNoControllerKnownOrReachableTheRequestIsRetriedUntilOneAppears() throws Exception {
        AtomicReference<Optional<ControllerLink.Controller>> where = new AtomicReference<>(Optional.empty());
        ControllerLink link = link(where::get);
        CompletableFuture<Struct> answer = link.send(ApiKey.CONTROLLED_SHUTDOWN, (short) 3, shutdownRequest(), 20_000);
        Thread.sleep(200);
        assertThat(answer).isNotDone();

        int closedPort;
        try (ServerSocket unused = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = unused.getLocalPort();
        }
        where.set(Optional.of(new ControllerLink.Controller(1, "127.0.0.1", closedPort))); // refused
        Thread.sleep(200);
        assertThat(answer).isNotDone();

        FakeBroker controller = fake(Errors.NONE);
        where.set(Optional.of(at(2, controller)));
        assertThat(Errors.forCode(answer.get(10, TimeUnit.SECONDS).getShort("ErrorCode"))).isEqualTo(Errors.NONE);
    }

    @Test
    void aControllerThatDropsTheConnectionIsLeftForTheNextOne() throws Exception {
        FakeBroker current = fake(Errors.NONE);
        FakeBroker dying = fake(Errors.NONE);
        AtomicReference<ControllerLink.Controller> where = new AtomicReference<>(at(1, dying));
        dying.answer = r -> {
            where.set(at(2, current));
            throw new IllegalStateException("crash"); // the fake drops the connection unanswered
        };
        ControllerLink link = link(() -> Optional.of(where.get()));

        Struct answer = link.send(ApiKey.CONTROLLED_SHUTDOWN, (short) 3, shutdownRequest(), 10_000).get(10, TimeUnit.SECONDS);

        assertThat(Errors.forCode(answer.getShort("ErrorCode"))).isEqualTo(Errors.NONE);
        assertThat(current.received).hasSize(1);
    }

    @Test
    void aRequestStillUnansweredAtItsDeadlineFailsWithATimeout() throws Exception {
        FakeBroker neverTheController = fake(Errors.NOT_CONTROLLER);
        ControllerLink link = link(() -> Optional.of(at(1, neverTheController)));

        CompletableFuture<Struct> answer = link.send(ApiKey.CONTROLLED_SHUTDOWN, (short) 3, shutdownRequest(), 300);

        assertThatThrownBy(() -> answer.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(TimeoutException.class).hasMessageContaining("not the controller");
        assertThat(neverTheController.received.size()).isGreaterThan(1);
        // the link goes on with the next request
        neverTheController.answer = r -> shutdownAnswer(Errors.NONE);
        assertThat(link.send(ApiKey.CONTROLLED_SHUTDOWN, (short) 3, shutdownRequest(), 10_000).get(10, TimeUnit.SECONDS)
                .getShort("ErrorCode")).isEqualTo(Errors.NONE.code());
    }

    @Test
    void closingFailsWhatIsPendingAndLaterRequestsAndEndsTheThread() throws Exception {
        ControllerLink link = link(Optional::empty);
        CompletableFuture<Struct> inFlight = link.send(ApiKey.CONTROLLED_SHUTDOWN, (short) 3, shutdownRequest(), 60_000);
        CompletableFuture<Struct> queued = link.send(ApiKey.CONTROLLED_SHUTDOWN, (short) 3, shutdownRequest(), 60_000);
        Thread.sleep(100);

        link.close();

        for (CompletableFuture<Struct> f : List.of(inFlight, queued,
                link.send(ApiKey.CONTROLLED_SHUTDOWN, (short) 3, shutdownRequest(), 60_000))) {
            assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(ControllerLink.LinkClosedException.class);
        }
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("sluice-controller-link-7"));
    }
}
