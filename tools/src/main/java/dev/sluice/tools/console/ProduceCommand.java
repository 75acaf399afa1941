package dev.sluice.tools.console;

import dev.sluice.api.compression.CompressionCodecs;
import dev.sluice.api.record.Header;
import dev.sluice.client.admin.SluiceAdmin;
import dev.sluice.client.producer.ProducerConfig;
import dev.sluice.client.producer.ProducerRecord;
import dev.sluice.client.producer.SluiceProducer;
import dev.sluice.tools.cli.Args;
import dev.sluice.tools.cli.ClientCommand;
import dev.sluice.tools.cli.ClientSettings;
import dev.sluice.tools.cli.CommandFailure;
import dev.sluice.tools.cli.Io;
import dev.sluice.tools.cli.Options;
import dev.sluice.tools.cli.StopSignal;
import dev.sluice.tools.cli.TopicCheck;
import dev.sluice.tools.cli.UsageException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** {@code sluice produce}: the console producer, one record per line of standard input. */
public final class ProduceCommand extends ClientCommand {
    private static final Set<String> ACKS = Set.of("0", "1", "all", "-1");

    @Override
    public String name() {
        return "produce";
    }

    @Override
    public String summary() {
        return "send each line of standard input as a record (console producer)";
    }

    @Override
    protected String usage() {
        return "usage: sluice produce --topic T [--property parse.key=true key.separator=: | --key-separator :] [--headers k=v,...]\n"
                + "                      [--header k=v]... [--verbose]\n"
                + "                      [--compression lz4] [--acks all] [--partition P] [--producer-property k=v ...]";
    }

    @Override
    public String help() {
        return usage() + """


                Reads standard input and sends every line as one record, like kafka-console-producer.sh.
                Ends at end of input (Ctrl-D), or Ctrl-C; sends everything read before it exits, then
                prints on stderr how many records were sent.

                Options:
                  --topic T                 topic to write to (created on first use only if the broker
                                            allows it: auto.create.topics.enable)
                  --property k=v ...        how lines are read (Kafka's names):
                                              parse.key=true       a line is key<key.separator>value
                                              key.separator=S      default: tab (\\t)
                                              parse.headers=true   a line starts h1:v1,h2:v2<headers.delimiter>
                                              headers.delimiter=S  default: tab; headers.separator (,),
                                                                   headers.key.separator (:)
                                              null.marker=S        this key or value text sends null
                                              ignore.error=true    send a line without separator as value
                  --headers k=v,...         headers added to every record
                  --header k=v              one more header; the value may hold commas (repeatable,
                                            kcat's -H)
                  --key-separator S         each line is key<S>value (kcat's -K; the same as
                                            --property parse.key=true key.separator=S)
                  --verbose                 print each record's partition and offset once written:
                                            "Produced line 1 to partition 0 at offset 41 (timestamp ...)"
                  --compression C           none, gzip, snappy, lz4, zstd or an installed plugin's codec
                                            (SLUICE_PLUGINS), e.g. example-rle (default none)
                  --acks A                  0, 1 or all (default all)
                  --partition P             write every record to partition P (default: by key, or sticky)
                  --producer-property k=v   any producer setting, e.g. linger.ms=10 (repeatable)
                  --bootstrap-server H:P    broker to connect to (default localhost:9092)
                  --command-config FILE     producer properties (Kafka names)

                Example:
                  printf 'k1:hello\\nk2:world\\n' | sluice produce --topic orders --property parse.key=true key.separator=:""";
    }

    @Override
    protected Options options() {
        return new Options().flag("--verbose")
                .value("--topic", "--headers", "--compression", "--acks", "--partition", "--key-separator")
                .list("--property", "--producer-property", "--header");
    }

    @Override
    protected int execute(Args args, ClientSettings settings, Io io) throws Exception {
        String topic = args.required("--topic");
        Map<String, String> lineProperties = new LinkedHashMap<>(args.keyValues("--property"));
        if (args.has("--key-separator")) { // kcat's -K: keys from a separator, without the two properties
            if (lineProperties.containsKey("key.separator") || lineProperties.containsKey("parse.key")) {
                throw new UsageException("--key-separator and --property parse.key / key.separator cannot be combined");
            }
            lineProperties.put("parse.key", "true");
            lineProperties.put("key.separator", args.value("--key-separator"));
        }
        LineParser parser = new LineParser(lineProperties);
        List<Header> headers = new ArrayList<>(staticHeaders(args.value("--headers")));
        for (String header : args.values("--header")) { // one k=v each: the value may hold commas
            int eq = header.indexOf('=');
            if (eq <= 0) {
                throw new UsageException("--header takes k=v, not '" + header + "'");
            }
            headers.add(new Header(header.substring(0, eq).trim(), header.substring(eq + 1).getBytes(StandardCharsets.UTF_8)));
        }
        boolean verbose = args.has("--verbose");
        Integer partition = args.has("--partition") ? args.intValue("--partition", 0) : null;
        Map<String, String> producerSettings = new LinkedHashMap<>(args.keyValues("--producer-property"));
        if (args.has("--compression")) {
            producerSettings.put("compression.type", codecName(args.value("--compression")));
        }
        if (args.has("--acks")) {
            if (!ACKS.contains(args.value("--acks"))) {
                throw new UsageException("--acks takes 0, 1 or all, not '" + args.value("--acks") + "'");
            }
            producerSettings.put("acks", args.value("--acks"));
        }

        settings.requireReachable();
        try (SluiceAdmin admin = settings.helperAdmin()) {
            TopicCheck.requireOrAutoCreated(admin, topic, io.err());
            if (partition != null) {
                int count = TopicCheck.require(admin, topic).partitions().size();
                if (partition < 0 || partition >= count) {
                    throw new CommandFailure("topic '" + topic + "' has partitions 0.." + (count - 1) + ", not " + partition);
                }
            }
        }

        AtomicLong acknowledged = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicReference<Exception> firstFailure = new AtomicReference<>();
        long read = 0;
        SluiceProducer producer = new SluiceProducer(ProducerConfig.from(settings.properties(producerSettings)));
        // Ctrl-C: stdin reads cannot be interrupted, so the hook itself sends what was read and reports
        Runnable onStop = () -> {
            producer.close(Duration.ofSeconds(5));
            io.err().println(sent(acknowledged.get(), topic));
        };
        try (StopSignal stop = StopSignal.install(onStop, false)) {
            BufferedReader lines = new BufferedReader(new InputStreamReader(io.in(), StandardCharsets.UTF_8));
            String line;
            while (!stop.stopping() && (line = lines.readLine()) != null) {
                read++;
                LineParser.Parsed parsed = parser.parse(line, read);
                List<Header> all = headers.isEmpty() ? parsed.headers() : concat(parsed.headers(), headers);
                long lineNumber = read;
                producer.send(new ProducerRecord(topic, partition, null, parsed.key(), parsed.value(), all), (md, error) -> {
                    if (error == null) {
                        acknowledged.incrementAndGet();
                        if (verbose) { // the producer's I/O thread; PrintStream lines do not interleave
                            io.out().println("Produced line " + lineNumber + " to partition " + md.partition() + " at offset "
                                    + md.offset() + " (timestamp " + md.timestamp() + ")");
                        }
                        return;
                    }
                    if (verbose) {
                        io.err().println("Line " + lineNumber + " was not written: " + explain(error, settings));
                    }
                    if (failed.incrementAndGet() == 1) {
                        firstFailure.set(error);
                    }
                });
            }
        } catch (IOException e) {
            throw new CommandFailure("cannot read standard input: " + dev.sluice.tools.cli.FailureText.of(e));
        } finally {
            producer.close(); // waits for every record read so far
        }
        if (failed.get() > 0) {
            throw new CommandFailure(failed.get() + " of " + read + " records were not written: "
                    + explain(firstFailure.get(), settings));
        }
        io.err().println(sent(acknowledged.get(), topic));
        return 0;
    }

    private static String sent(long count, String topic) {
        return "Sent " + count + " record" + (count == 1 ? "" : "s") + " to topic " + topic + ".";
    }

    private static List<Header> concat(List<Header> a, List<Header> b) {
        List<Header> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /**
     * {@code none} or the name of any installed codec, Kafka's four or a plugin's (found by name
     * like the producer's {@code compression.type}, so the README's plugin codecs work here too).
     */
    static String codecName(String name) throws UsageException {
        if (name.equalsIgnoreCase("none")) {
            return "none";
        }
        try {
            return CompressionCodecs.installed().forName(name).name();
        } catch (IllegalArgumentException e) {
            throw new UsageException("--compression: " + e.getMessage());
        }
    }

    /** {@code k=v,k2=v2} → headers with UTF-8 values. */
    static List<Header> staticHeaders(String spec) throws UsageException {
        if (spec == null || spec.isBlank()) {
            return List.of();
        }
        List<Header> out = new ArrayList<>();
        for (String pair : spec.split(",")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new UsageException("--headers takes k=v[,k=v...], not '" + spec + "'");
            }
            out.add(new Header(pair.substring(0, eq).trim(), pair.substring(eq + 1).getBytes(StandardCharsets.UTF_8)));
        }
        return out;
    }
}
